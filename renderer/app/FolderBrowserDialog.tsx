import { useCallback, useEffect, useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import LinearProgress from '@mui/material/LinearProgress';
import ListItemIcon from '@mui/material/ListItemIcon';
import ListItemText from '@mui/material/ListItemText';
import MenuItem from '@mui/material/MenuItem';
import MenuList from '@mui/material/MenuList';
import Typography from '@mui/material/Typography';
import ArrowUpwardIcon from '@mui/icons-material/ArrowUpward';
import FolderIcon from '@mui/icons-material/FolderOutlined';
import ImageIcon from '@mui/icons-material/ImageOutlined';
import type { FolderListing, StudioApi } from '../../electron/contract/ipc.js';
import type { StudioErrorInfo } from '../../electron/contract/result.js';
import { IS_MAC } from './commands.js';
import { ErrorNotice } from './ErrorNotice.js';

/**
 * Browser mode's folder picker: the page cannot see the machine's folders, so the engine lists
 * them (the home folder and mounted volumes only). Arrow keys (or typing a name) move, Enter
 * opens a folder, Backspace goes up, and "Choose this folder" (Ctrl+Enter) picks the one shown.
 */
export function FolderBrowserDialog({ api, open, start, title, onChoose, onClose }: { api: StudioApi; open: boolean; start?: string; title: string; onChoose: (path: string) => void; onClose: () => void }) {
  const [listing, setListing] = useState<FolderListing | null>(null);
  const [error, setError] = useState<StudioErrorInfo | null>(null);
  const [loading, setLoading] = useState(false);

  const go = useCallback(
    async (path?: string) => {
      setLoading(true);
      const r = await api.foldersList(path === undefined ? {} : { path });
      setLoading(false);
      if (r.ok) {
        setListing(r.data);
        setError(null);
      } else setError(r.error);
    },
    [api],
  );

  useEffect(() => {
    if (!open) return;
    // Start where the current folder is, else at home (the current one may not exist yet).
    void api.foldersList(start === undefined ? {} : { path: start }).then((r) => (r.ok ? setListing(r.data) : void go()));
  }, [open, start, api, go]);

  const folders = listing?.entries.filter((e) => e.kind === 'folder') ?? [];
  const images = listing?.entries.filter((e) => e.kind === 'image').length ?? 0;
  return (
    <Dialog
      open={open}
      onClose={onClose}
      maxWidth="sm"
      fullWidth
      aria-labelledby="folder-browser-title"
      data-testid="folder-browser"
      // Wherever the focus is in the dialog (an empty folder has no entry to focus).
      onKeyDown={(e) => {
        if (e.key === 'Backspace' && listing?.parent != null) {
          e.preventDefault();
          void go(listing.parent);
        } else if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && listing !== null) {
          e.preventDefault();
          onChoose(listing.path);
        }
      }}
    >
      <DialogTitle id="folder-browser-title">{title}</DialogTitle>
      <DialogContent dividers sx={{ p: 0 }}>
        <Box sx={{ px: 2, pt: 1.5, display: 'flex', gap: 1, flexWrap: 'wrap', alignItems: 'center' }}>
          {listing?.roots.map((r) => (
            <Chip key={r.path} label={r.label} size="small" variant={listing.path.startsWith(r.path) ? 'filled' : 'outlined'} onClick={() => void go(r.path)} />
          ))}
        </Box>
        <Box sx={{ px: 2, py: 1, display: 'flex', alignItems: 'center', gap: 1 }}>
          <Button size="small" startIcon={<ArrowUpwardIcon />} disabled={listing?.parent == null} onClick={() => listing?.parent != null && void go(listing.parent)}>
            Up
          </Button>
          <Typography variant="body2" noWrap title={listing?.path} data-testid="folder-browser-path" sx={{ fontFamily: 'ui-monospace, monospace', fontSize: 13 }}>
            {listing?.path ?? ''}
          </Typography>
        </Box>
        {loading && <LinearProgress aria-label="Opening the folder" />}
        {error !== null && (
          <Box sx={{ px: 2 }}>
            <ErrorNotice error={error} onClose={() => setError(null)} />
          </Box>
        )}
        <MenuList
          // The first folder takes the focus; an empty folder's list takes it itself, so the keys
          // (Backspace, Ctrl+Enter) keep reaching the dialog right after a folder opens.
          autoFocusItem={open && folders.length > 0}
          autoFocus={open && folders.length === 0}
          dense
          aria-label={`Folders in ${listing?.name ?? ''}`}
          sx={{ height: 320, overflow: 'auto' }}
          key={listing?.path}
        >
          {folders.map((f) => (
            <MenuItem key={f.path} onClick={() => void go(f.path)} data-testid="folder-entry" data-name={f.name}>
              <ListItemIcon>
                <FolderIcon fontSize="small" />
              </ListItemIcon>
              <ListItemText primary={f.name} />
            </MenuItem>
          ))}
          {folders.length === 0 && (
            <MenuItem disabled>
              <ListItemText primary="No folders in here" />
            </MenuItem>
          )}
        </MenuList>
        <Box sx={{ px: 2, py: 1, display: 'flex', alignItems: 'center', gap: 1 }}>
          <ImageIcon fontSize="small" color="disabled" />
          <Typography variant="caption" color="text.secondary">
            {images === 0 ? 'No images in this folder' : `${images} image${images === 1 ? '' : 's'} in this folder`}
            {listing !== null && listing.more > 0 ? ` (${listing.more} more entries not shown)` : ''}
          </Typography>
        </Box>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button variant="contained" disabled={listing === null} onClick={() => listing !== null && onChoose(listing.path)} title={`${IS_MAC ? '⌘' : 'Ctrl+'}Enter`}>
          Choose this folder
        </Button>
      </DialogActions>
    </Dialog>
  );
}

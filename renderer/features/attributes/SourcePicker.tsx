import { useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import ListItemIcon from '@mui/material/ListItemIcon';
import ListItemText from '@mui/material/ListItemText';
import Menu from '@mui/material/Menu';
import MenuItem from '@mui/material/MenuItem';
import PhotoLibraryIcon from '@mui/icons-material/PhotoLibraryOutlined';
import type { QueueItem } from '../translate/batch-state.js';

/** Queue entries offered at most: the newest ones. */
const QUEUE_SHOWN = 60;

/** "From the queue": a menu of the Translate queue's images, newest first, with thumbnails. */
export function QueueMenuButton({
  items,
  thumbnailUrl,
  onPick,
  variant = 'outlined',
}: {
  items: readonly QueueItem[];
  thumbnailUrl: (item: QueueItem) => string;
  onPick: (item: QueueItem) => void;
  variant?: 'outlined' | 'text';
}) {
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const shown = items.slice(-QUEUE_SHOWN).reverse();
  return (
    <>
      <Button variant={variant} startIcon={<PhotoLibraryIcon />} onClick={(e) => setAnchor(e.currentTarget)} disabled={items.length === 0} aria-haspopup="menu">
        From the queue{items.length > 0 ? ` (${items.length})` : ''}
      </Button>
      <Menu anchorEl={anchor} open={anchor !== null} onClose={() => setAnchor(null)} slotProps={{ paper: { sx: { maxHeight: 420, width: 320 } } }}>
        {shown.map((item) => (
          <MenuItem
            key={item.key}
            onClick={() => {
              setAnchor(null);
              onPick(item);
            }}
          >
            <ListItemIcon>
              <Box component="img" src={thumbnailUrl(item)} alt="" sx={{ width: 36, height: 36, objectFit: 'cover', borderRadius: 1, mr: 1.5, bgcolor: 'action.hover' }} />
            </ListItemIcon>
            <ListItemText primary={item.name} secondary={item.status === 'done' ? 'translated' : item.status} slotProps={{ primary: { noWrap: true } }} />
          </MenuItem>
        ))}
      </Menu>
    </>
  );
}

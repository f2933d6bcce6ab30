import { memo, useState } from 'react';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import IconButton from '@mui/material/IconButton';
import LinearProgress from '@mui/material/LinearProgress';
import Link from '@mui/material/Link';
import Popover from '@mui/material/Popover';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import CloseIcon from '@mui/icons-material/Close';
import CompareIcon from '@mui/icons-material/Compare';
import DownloadIcon from '@mui/icons-material/Download';
import FolderOpenIcon from '@mui/icons-material/FolderOpen';
import ImageIcon from '@mui/icons-material/Image';
import OpenInNewIcon from '@mui/icons-material/OpenInNew';
import { plainWords } from '../../app/ErrorNotice.js';
import type { QueueItem } from './batch-state.js';

const CHIP: Record<QueueItem['status'], { label: string; color: 'default' | 'primary' | 'success' | 'error' | 'warning' }> = {
  waiting: { label: 'Waiting', color: 'default' },
  running: { label: 'Translating', color: 'primary' },
  done: { label: 'Done', color: 'success' },
  failed: { label: 'Failed', color: 'error' },
  cancelled: { label: 'Cancelled', color: 'warning' },
};

export interface QueueRowActions {
  cancel(item: QueueItem): void;
  compare(item: QueueItem): void;
  open(item: QueueItem, reveal: boolean): void;
  thumbnailUrl(item: QueueItem): string;
  downloadUrl(item: QueueItem): string | null;
  canOpen: boolean;
  /** Drags the output out of the window into the file manager (desktop app). */
  drag?(item: QueueItem): void;
}

/** Every row has the same height, so the queue can be windowed. */
export const QUEUE_ROW_HEIGHT = 64;

/** One file of the queue. Memoised: a batch update re-renders only the rows that changed. */
export const QueueRow = memo(function QueueRow({ item, actions }: { item: QueueItem; actions: QueueRowActions }) {
  const [details, setDetails] = useState<HTMLElement | null>(null);
  const chip = CHIP[item.status];
  const download = item.status === 'done' ? actions.downloadUrl(item) : null;
  return (
    <Box
      component="li"
      data-testid="queue-row"
      data-status={item.status}
      data-name={item.name}
      sx={{ display: 'flex', gap: 1.5, alignItems: 'center', px: 1.5, height: QUEUE_ROW_HEIGHT, boxSizing: 'border-box', borderBottom: 1, borderColor: 'divider', listStyle: 'none' }}
    >
      <Box sx={{ width: 48, height: 48, flex: '0 0 48px', borderRadius: 1, overflow: 'hidden', bgcolor: 'action.hover', display: 'grid', placeItems: 'center' }}>
        {item.status === 'failed' ? (
          <ImageIcon color="disabled" />
        ) : (
          <img
            src={actions.thumbnailUrl(item)}
            alt=""
            loading="lazy"
            decoding="async"
            width={48}
            height={48}
            style={{ objectFit: 'cover', cursor: item.status === 'done' && actions.drag !== undefined ? 'grab' : 'default' }}
            data-testid="row-thumbnail"
            draggable={item.status === 'done' && actions.drag !== undefined}
            onDragStart={(e) => {
              if (item.status !== 'done' || actions.drag === undefined) return;
              // The file itself is dragged, by the main process: the page only says which.
              e.preventDefault();
              actions.drag(item);
            }}
            title={item.status === 'done' && actions.drag !== undefined ? 'Drag into a folder to copy the result there' : undefined}
          />
        )}
      </Box>
      <Box sx={{ flex: 1, minWidth: 0 }}>
        <Typography variant="body2" noWrap title={item.name} sx={{ fontWeight: 500 }}>
          {item.name}
        </Typography>
        {item.status === 'running' ? (
          <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
            <LinearProgress variant="determinate" value={item.itemProgress * 100} sx={{ flex: 1, height: 6, borderRadius: 3 }} aria-label={`${item.name} progress`} />
            <Typography variant="caption" color="text.secondary" sx={{ minWidth: 72 }}>
              {item.statusLine}
            </Typography>
          </Box>
        ) : item.status === 'failed' && item.error !== undefined ? (
          <Typography variant="caption" color="error" component="div" data-testid="row-error" noWrap>
            {plainWords(item.error)}{' '}
            <Link component="button" variant="caption" onClick={(e) => setDetails(e.currentTarget)} aria-expanded={details !== null} aria-haspopup="dialog">
              Details
            </Link>
            <Popover
              open={details !== null}
              anchorEl={details}
              onClose={() => setDetails(null)}
              anchorOrigin={{ vertical: 'bottom', horizontal: 'left' }}
              slotProps={{ paper: { sx: { p: 2, maxWidth: 560 }, role: 'dialog', 'aria-label': `Details of ${item.name}` } as object }}
            >
              <Box component="pre" data-testid="row-error-detail" sx={{ m: 0, fontFamily: 'ui-monospace, monospace', fontSize: 12, whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
                {`${item.error.code}: ${item.error.message}${item.error.detail === undefined ? '' : `\n${item.error.detail}`}`}
              </Box>
            </Popover>
          </Typography>
        ) : item.status === 'done' ? (
          <Typography variant="caption" color="text.secondary" noWrap component="div">
            {item.output?.split(/[\\/]/).pop()}
            {item.renamed === true ? ' (renamed: a file with that name existed)' : ''} · {Math.round(item.ms ?? 0)} ms on {item.provider}
            {item.worker === undefined ? '' : ` · farm worker ${item.worker}`}
          </Typography>
        ) : (
          <Typography variant="caption" color="text.secondary">
            {item.statusLine}
          </Typography>
        )}
      </Box>
      <Chip size="small" label={chip.label} color={chip.color} variant={item.status === 'waiting' ? 'outlined' : 'filled'} />
      <Box sx={{ display: 'flex', width: 112, justifyContent: 'flex-end' }}>
        {item.status === 'waiting' && (
          <Tooltip title="Cancel this file">
            <IconButton size="small" aria-label={`Cancel ${item.name}`} onClick={() => actions.cancel(item)}>
              <CloseIcon fontSize="small" />
            </IconButton>
          </Tooltip>
        )}
        {item.status === 'done' && (
          <>
            <Tooltip title="Compare before and after">
              <IconButton size="small" aria-label={`Compare ${item.name}`} onClick={() => actions.compare(item)}>
                <CompareIcon fontSize="small" />
              </IconButton>
            </Tooltip>
            {download !== null && (
              <Tooltip title="Download">
                <IconButton size="small" aria-label={`Download ${item.name}`} href={download} download>
                  <DownloadIcon fontSize="small" />
                </IconButton>
              </Tooltip>
            )}
            {actions.canOpen && (
              <>
                <Tooltip title="Open in the image viewer">
                  <IconButton size="small" aria-label={`Open ${item.name}`} onClick={() => actions.open(item, false)}>
                    <OpenInNewIcon fontSize="small" />
                  </IconButton>
                </Tooltip>
                <Tooltip title="Show in folder">
                  <IconButton size="small" aria-label={`Show ${item.name} in its folder`} onClick={() => actions.open(item, true)}>
                    <FolderOpenIcon fontSize="small" />
                  </IconButton>
                </Tooltip>
              </>
            )}
          </>
        )}
      </Box>
    </Box>
  );
});

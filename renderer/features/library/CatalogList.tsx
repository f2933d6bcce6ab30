import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import LinearProgress from '@mui/material/LinearProgress';
import Typography from '@mui/material/Typography';
import DownloadIcon from '@mui/icons-material/Download';
import type { CatalogItem, CatalogProgress } from '../../../electron/contract/ipc.js';
import { formatBytes } from '../../app/format.js';

/** The official pretrained models: one-click download with progress and cancel. */
export function CatalogList({
  items,
  progress,
  onDownload,
  onCancel,
}: {
  items: CatalogItem[];
  progress: Record<string, CatalogProgress>;
  onDownload: (name: string) => void;
  onCancel: (name: string) => void;
}) {
  return (
    <Box component="ul" sx={{ m: 0, p: 0 }} aria-label="Official models">
      {items.map((item) => {
        const p = progress[item.name];
        const busy = p !== undefined && (p.stage === 'download' || p.stage === 'extract' || p.stage === 'install');
        const fraction = p?.totalBytes ? p.receivedBytes / p.totalBytes : null;
        return (
          <Box component="li" key={item.name} sx={{ listStyle: 'none', display: 'flex', alignItems: 'center', gap: 2, py: 1.25, borderBottom: 1, borderColor: 'divider' }}>
            <Box sx={{ flex: 1, minWidth: 0 }}>
              <Typography variant="body2" sx={{ fontWeight: 600 }}>
                {item.title}
              </Typography>
              <Typography variant="caption" color="text.secondary" component="div">
                {item.task} · {formatBytes(item.approxBytes)} · {item.licence}
              </Typography>
              {busy && (
                <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, mt: 0.5 }}>
                  <LinearProgress
                    sx={{ flex: 1 }}
                    aria-label={`Downloading ${item.title}`}
                    {...(fraction === null || p.stage !== 'download' ? { variant: 'indeterminate' as const } : { variant: 'determinate' as const, value: fraction * 100 })}
                  />
                  <Typography variant="caption">{p.stage === 'download' ? formatBytes(p.receivedBytes) : `${p.stage}ing…`}</Typography>
                </Box>
              )}
              {p?.stage === 'failed' && p.error !== undefined && (
                <Typography variant="caption" color="error">
                  Download failed: {p.error.message}
                </Typography>
              )}
            </Box>
            {item.installed ? (
              <Typography variant="caption" color="success.main">
                Installed
              </Typography>
            ) : busy ? (
              <Button size="small" onClick={() => onCancel(item.name)}>
                Cancel
              </Button>
            ) : (
              <Button size="small" variant="outlined" startIcon={<DownloadIcon />} onClick={() => onDownload(item.name)} aria-label={`Download ${item.title}`}>
                Download
              </Button>
            )}
          </Box>
        );
      })}
    </Box>
  );
}

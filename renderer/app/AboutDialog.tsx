import Dialog from '@mui/material/Dialog';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Typography from '@mui/material/Typography';
import type { AppInfo } from '../../electron/contract/ipc.js';
import { CloseActions } from './CloseActions.js';

/** The version and where the studio keeps its logs. */
export function AboutDialog({ info, open, onClose }: { info: AppInfo | null; open: boolean; onClose: () => void }) {
  return (
    <Dialog open={open} onClose={onClose} aria-labelledby="about-title">
      <DialogTitle id="about-title">GAN Studio {info?.version ?? ''}</DialogTitle>
      <DialogContent>
        <Typography variant="body2" gutterBottom>
          Image-to-image translation with pix2pix, CycleGAN and StarGAN-style models, offline.
        </Typography>
        <Typography variant="body2" color="text.secondary" data-testid="about-logs">
          {info === null ? '' : `${info.mode === 'desktop' ? 'Desktop app' : 'Browser mode'} on ${info.platform} · logs in ${info.logsDir}`}
        </Typography>
      </DialogContent>
      <CloseActions onClose={onClose} />
    </Dialog>
  );
}

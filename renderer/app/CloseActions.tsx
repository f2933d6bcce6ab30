import Button from '@mui/material/Button';
import DialogActions from '@mui/material/DialogActions';

/** The foot of a dialog that only shows something: one Close button, focused so Enter or Escape closes it. */
export function CloseActions({ onClose }: { onClose: () => void }) {
  return (
    <DialogActions>
      <Button onClick={onClose} autoFocus>
        Close
      </Button>
    </DialogActions>
  );
}

import { useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Collapse from '@mui/material/Collapse';
import type { StudioErrorInfo } from '../../electron/contract/result.js';

const PLAIN_WORDS: Partial<Record<StudioErrorInfo['code'], string>> = {
  BAD_IMAGE: 'This file could not be read as an image.',
  BAD_MODEL: 'The model file is damaged or not a supported model.',
  BAD_MANIFEST: 'The model folder is incomplete or damaged.',
  MODEL_NOT_FOUND: 'That model is not in the library any more.',
  EP_UNAVAILABLE: 'The chosen device is not available on this computer.',
  UNSAFE_CHECKPOINT: 'The checkpoint contains code, so it was refused for your safety.',
  BAD_CHECKPOINT: 'The checkpoint could not be read.',
  BAD_ARGUMENT: 'That request could not be carried out.',
  IO_ERROR: 'A file or folder could not be read or written.',
  OUTPUT_EXISTS: 'Something with that name already exists.',
  CANCELLED: 'Cancelled.',
  ENGINE_LOST: 'The translation engine stopped unexpectedly.',
  MODEL_MISMATCH: 'The farm\'s workers do not have this version of the model.',
  FARM_UNREACHABLE: 'The farm\'s Redis server cannot be reached.',
  INTERNAL: 'Something went wrong inside the studio.',
};

/** A headline a user understands for an error code. */
export function plainWords(error: StudioErrorInfo): string {
  return PLAIN_WORDS[error.code] ?? 'Something went wrong.';
}

/** The error in plain words, with the technical message and code one click away. */
export function ErrorNotice({ error, title, onClose }: { error: StudioErrorInfo; title?: string; onClose?: () => void }) {
  const [open, setOpen] = useState(false);
  return (
    <Alert
      severity="error"
      variant="outlined"
      {...(onClose === undefined ? {} : { onClose })}
      action={
        <Button color="inherit" size="small" onClick={() => setOpen((o) => !o)} aria-expanded={open}>
          {open ? 'Hide details' : 'Details'}
        </Button>
      }
    >
      <strong>{title ?? plainWords(error)}</strong> {error.message}
      <Collapse in={open}>
        <Box component="pre" sx={{ m: 0, mt: 1, whiteSpace: 'pre-wrap', fontSize: 12, fontFamily: 'ui-monospace, monospace' }}>
          {`code: ${error.code}\n${error.message}${error.detail === undefined ? '' : `\n${error.detail}`}`}
        </Box>
      </Collapse>
    </Alert>
  );
}

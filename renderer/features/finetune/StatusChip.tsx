import Chip from '@mui/material/Chip';
import type { RunState } from '../../../electron/contract/finetune.js';

const LOOK: Record<RunState, { label: string; color: 'primary' | 'warning' | 'success' | 'default' | 'error' }> = {
  running: { label: 'Training', color: 'primary' },
  paused: { label: 'Paused', color: 'warning' },
  stopped: { label: 'Stopped', color: 'default' },
  interrupted: { label: 'Interrupted', color: 'error' },
  completed: { label: 'Completed', color: 'success' },
  'not started': { label: 'Not started', color: 'default' },
};

export function StatusChip({ status }: { status: RunState }) {
  const look = LOOK[status];
  return <Chip size="small" color={look.color} label={look.label} data-testid="run-status" data-status={status} />;
}

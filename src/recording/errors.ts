// Errors of recording and replay that a user can act on: one line, exit 2 (usage or
// configuration: a missing, damaged or foreign recording, a recording that cannot be written
// safely, a replay the recording cannot answer).
import { UsageError } from '../exit-codes.js';

export class RecordingError extends UsageError {}

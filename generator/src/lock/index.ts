/** The contract lock and the comparison of contract states (lock, git ref) with the current graph. */

export {
  CONTRACT_RULES,
  type ContractChange,
  compareContracts,
  type Place,
  showValue,
  sortChanges,
} from '../check/changes.ts';
export { type AllowBreaking, checkLock, LOCK_RULES, type LockInput, type LockResult } from './check.ts';
export {
  LOCK_FILE,
  type LockedConsumer,
  type LockedEvent,
  type Lockfile,
  LockfileError,
  type LockOverride,
  parseLock,
  schemaHash,
  serializeLock,
  snapshotEvents,
} from './lockfile.ts';
export { readLockFile } from './read.ts';

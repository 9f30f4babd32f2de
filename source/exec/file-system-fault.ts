/** The cause of a file-system error in words an operator acts on, with the code for searching. */
export function describeFault(error: unknown): string {
	const code = (error as NodeJS.ErrnoException | undefined)?.code;
	const causes: Record<string, string> = {
		EROFS: 'is on a read-only file system',
		EACCES: 'is not writable by this user (permission denied)',
		EPERM: 'does not allow this (operation not permitted)',
		ENOSPC: 'is on a full file system (no space left on device)',
		EDQUOT: 'is over its disk quota',
		ENOTDIR: 'has a file where a directory must be',
		// mkdir under /proc, /sys and similar pseudo file systems fails this way although the parent exists.
		ENOENT: 'cannot hold new files or directories (a pseudo file system, or a parent vanished)',
		EXDEV: 'is on another file system than its temporary files',
		ENAMETOOLONG: 'is too long a path',
		ELOOP: 'has too many symbolic links',
		EISDIR: 'is a directory',
		EEXIST: 'already exists',
		EIO: 'had an input/output error',
	};
	const message = error instanceof Error ? error.message : String(error);
	return code ? `${causes[code] ?? 'cannot be written'} (${code})` : `cannot be written (${message})`;
}

/** The path an errno error is about, if it says. */
export function faultPath(error: unknown, fallback: string): string {
	const path = (error as NodeJS.ErrnoException | undefined)?.path;
	return typeof path === 'string' ? path : fallback;
}

/** True for the errors that come from the machine (disk, mounts, permissions), not from a bug. */
export function isFileSystemFault(error: unknown): boolean {
	const code = (error as NodeJS.ErrnoException | undefined)?.code;
	return typeof code === 'string' && /^E[A-Z]+$/.test(code) && typeof (error as NodeJS.ErrnoException).syscall === 'string';
}

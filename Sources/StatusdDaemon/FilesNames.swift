import StatusdFiles

// `PathPattern` and `Errno` live in StatusdFiles, below the daemon, so that `statusd check` (which
// does not link the daemon) matches a `kubernetes:` input's files as the tailer does. These names
// let the daemon's files keep using them without each importing StatusdFiles.
typealias PathPattern = StatusdFiles.PathPattern
typealias Errno = StatusdFiles.Errno

import Foundation

/// Writes `data` to `path` so that readers (and an interrupted run) see the old file or the
/// new one, never half of one, and so that nothing planted in the folder can redirect it:
///
///   1. the bytes go to a temporary file next to `path` with an unpredictable name, made by
///      mkstemp (O_CREAT|O_EXCL: it fails on any existing entry, a symlink included, so it
///      never opens a planted file and never follows a planted link);
///   2. fsync, then rename over `path`. rename replaces the directory entry itself: a
///      symlink AT `path` is replaced by the new file, never written through. Symlinks in
///      the folders above `path` are followed, like in any path the user types.
///
/// On any failure the temporary file is removed and the old file is untouched. The new file
/// keeps the permission bits of the regular file it replaces, else gets rw-r--r--.
public func writeAtomically(_ data: Data, to path: String) throws {
    guard !path.isEmpty else { throw ModelFileError(file: "\"\"", "expected a file name, found an empty path") }
    let url = URL(fileURLWithPath: path)
    let dir = url.deletingLastPathComponent().path
    do {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    } catch {
        throw ModelFileError(file: path, "cannot create its folder \(dir): \(error.localizedDescription)")
    }
    var old = stat()
    let mode: mode_t = lstat(path, &old) == 0 && (old.st_mode & S_IFMT) == S_IFREG ? old.st_mode & 0o7777 : 0o644

    var template = Array("\(dir)/.\(url.lastPathComponent).tmp-XXXXXX".utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard fd >= 0 else { throw ModelFileError(file: path, "cannot create a temporary file in \(dir) (\(errnoText()))") }
    let tmp = String(cString: template)
    do {
        try writeAll(fd, data, file: path)
        guard fchmod(fd, mode) == 0 else { throw ModelFileError(file: path, "cannot set permissions (\(errnoText()))") }
        guard fsync(fd) == 0 else { throw ModelFileError(file: path, "cannot flush to disk (\(errnoText()))") }
    } catch {
        close(fd)
        unlink(tmp)
        throw error
    }
    guard close(fd) == 0 else {  // Linux closes the descriptor even when this fails
        let why = errnoText()
        unlink(tmp)
        throw ModelFileError(file: path, "cannot write (\(why))")
    }
    guard rename(tmp, path) == 0 else {
        let why = errnoText()
        unlink(tmp)
        throw ModelFileError(file: path, "cannot replace the file (\(why))")
    }
    syncFolder(dir)  // makes the rename itself durable
}

/// Creates the file `path`, which must not exist yet, with `data`, and flushes it to disk.
/// O_EXCL|O_NOFOLLOW: an existing file or symlink at `path` is an error, never opened.
public func createNewFile(_ data: Data, at path: String, mode: mode_t = 0o644) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
    guard fd >= 0 else { throw ModelFileError(file: path, "cannot create the file (\(errnoText()))") }
    do {
        try writeAll(fd, data, file: path)
        guard fsync(fd) == 0 else { throw ModelFileError(file: path, "cannot flush to disk (\(errnoText()))") }
    } catch {
        close(fd)
        unlink(path)
        throw error
    }
    guard close(fd) == 0 else {
        let why = errnoText()
        unlink(path)
        throw ModelFileError(file: path, "cannot write (\(why))")
    }
}

/// fsync on a folder, so that renames and new entries in it survive a crash (best effort:
/// some file systems refuse it, and the data itself was already flushed).
public func syncFolder(_ path: String) {
    let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if fd >= 0 { _ = fsync(fd); close(fd) }
}

/// The text of the current errno, e.g. "No space left on device".
public func errnoText() -> String { String(cString: strerror(errno)) }

/// write(2) until every byte is out (it may write less than asked, or be interrupted).
private func writeAll(_ fd: Int32, _ data: Data, file: String) throws {
    try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
        var offset = 0
        while offset < raw.count {
            let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw ModelFileError(file: file, "cannot write (\(errnoText()))")
            }
            offset += n
        }
    }
}

import Foundation

/// Why an input file could not be read: names the file and the problem.
public struct InputFileError: Error, CustomStringConvertible, Equatable {
    public let file: String
    public let problem: String
    public init(file: String, _ problem: String) { self.file = file; self.problem = problem }
    public var description: String { "\(file): \(problem)" }
}

/// Reads a whole regular file of at most `limit` bytes. Refuses folders, FIFOs and devices
/// (reading /dev/zero or a pipe would never end) before reading a byte, and files over the
/// limit before allocating for them.
public func readLimitedFile(_ path: String, limit: Int, what: String) throws -> Data {
    let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
    guard fd >= 0 else {
        throw InputFileError(file: path, "cannot read the \(what): \(String(cString: strerror(errno)))")
    }
    defer { close(fd) }
    var st = stat()
    guard fstat(fd, &st) == 0 else { throw InputFileError(file: path, "cannot read the \(what): \(String(cString: strerror(errno)))") }
    guard (st.st_mode & S_IFMT) == S_IFREG else {
        throw InputFileError(file: path, "expected the \(what) to be a regular file, found a folder or special file")
    }
    guard Int(st.st_size) <= limit else {
        throw InputFileError(file: path, "the \(what) has \(st.st_size) bytes, more than the limit of \(limit)")
    }
    let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: false)
    let data: Data
    do { data = try handle.readToEnd() ?? Data() } catch {
        throw InputFileError(file: path, "cannot read the \(what): \(error.localizedDescription)")
    }
    // The file may have grown since fstat.
    guard data.count <= limit else {
        throw InputFileError(file: path, "the \(what) has more than \(limit) bytes")
    }
    return data
}

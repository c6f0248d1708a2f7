import Foundation

/// Writes `data` to `path` via a temporary file in the same folder and a rename, so readers
/// (and an interrupted run) never see a half-written file.
public func writeAtomically(_ data: Data, to path: String) throws {
    let url = URL(fileURLWithPath: path)
    let dir = url.deletingLastPathComponent()
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let tmp = dir.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
    do {
        try data.write(to: tmp)
        if rename(tmp.path, url.path) != 0 {
            throw ModelFileError(file: path, "cannot replace the file (\(String(cString: strerror(errno))))")
        }
    } catch {
        try? FileManager.default.removeItem(at: tmp)
        if let e = error as? ModelFileError { throw e }
        throw ModelFileError(file: path, "cannot write: \(error.localizedDescription)")
    }
}

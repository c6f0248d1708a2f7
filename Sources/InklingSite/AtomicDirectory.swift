import Foundation

/// Writes a whole folder so that readers see either the old one or the new one, never a
/// mix: files go into a temporary sibling folder (same file system, so renames are
/// atomic), which then replaces the target. If anything fails before the swap the
/// temporary folder is removed and the old site is untouched.
enum AtomicDirectory {
    /// Writes `files` (relative path -> bytes) as the complete content of `path`.
    static func write(_ files: [String: Data], to path: String) throws {
        let fm = FileManager.default
        let target = URL(fileURLWithPath: path).standardizedFileURL
        let parent = target.deletingLastPathComponent()
        let name = target.lastPathComponent
        do {
            try fm.createDirectory(at: parent, withIntermediateDirectories: true)
        } catch {
            throw SiteError(file: parent.path, expected: "a writable folder for the site", found: "\(error.localizedDescription)")
        }
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: target.path, isDirectory: &isDir), !isDir.boolValue {
            throw SiteError(file: target.path, expected: "a folder (or nothing) to write the site into", found: "a file")
        }

        let suffix = "\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let staging = parent.appendingPathComponent(".\(name).building-\(suffix)")
        defer { try? fm.removeItem(at: staging) }
        do {
            try fm.createDirectory(at: staging, withIntermediateDirectories: false)
            for (relative, data) in files.sorted(by: { $0.key < $1.key }) {
                let url = staging.appendingPathComponent(relative)
                try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try data.write(to: url)
            }
        } catch {
            throw SiteError(file: staging.path, expected: "to write the new site", found: "\(error.localizedDescription)")
        }

        guard fm.fileExists(atPath: target.path) else {
            try rename(staging.path, target.path)
            return
        }
        // Move the old site aside, the new one in, and only then delete the old one: the
        // window without a site is two renames long, and a failure puts the old one back.
        let old = parent.appendingPathComponent(".\(name).old-\(suffix)")
        try rename(target.path, old.path)
        do {
            try rename(staging.path, target.path)
        } catch {
            try? rename(old.path, target.path)
            throw error
        }
        try? fm.removeItem(at: old)
    }

    private static func rename(_ from: String, _ to: String) throws {
        if Foundation.rename(from, to) != 0 {
            throw SiteError(file: to, expected: "to move the built site into place", found: String(cString: strerror(errno)))
        }
    }
}

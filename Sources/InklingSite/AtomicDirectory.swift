import Foundation
import InklingCore

/// Writes a whole site folder so that readers see the old site or the new one, never a mix,
/// and so that it never deletes a file Inkling did not write.
///
///   prepare  resolve --out and refuse traps (`OutputPath`) and folders that are not
///            Inkling's (`scan`); clean what an interrupted build left next to it; if the
///            site is missing but an old copy survived, put the old copy back.
///   write    the marker, then the files, into a fresh staging folder next to the target
///            (mkdtemp: unpredictable name, rwx------ while it fills; files created with
///            O_EXCL|O_NOFOLLOW and fsynced); swap it with the old site in one step
///            (renameat2 RENAME_EXCHANGE); delete the old copy's listed files. If the file
///            system refuses the exchange: two renames via a reserved `.<name>.old-*`
///            name, the first undone if the second fails.
///
/// An interrupted build can leave `.<name>.building-*` (staging, or the old site after the
/// exchange) and `.<name>.old-*` (the old site between the two renames). Both carry the
/// marker from their first byte on (or are empty), so the next run knows it may delete them.
/// Not guarded against: two builds into the same folder at the same moment.
public enum AtomicDirectory {
    /// How the new folder replaces the old one; `.twoRenames` is the fallback, public for tests.
    public enum Swap: Sendable { case exchange, twoRenames }

    /// A checked output folder.
    public struct Target: Sendable {
        /// As the user typed it, for messages.
        public let given: String
        /// Absolute, symlinks resolved.
        public let path: String
        /// What `prepare` did besides checking (cleaned leftovers, a recovered site).
        public internal(set) var notes: [String] = []

        var parent: String { URL(fileURLWithPath: path).deletingLastPathComponent().path }
        var name: String { URL(fileURLWithPath: path).lastPathComponent }
    }

    /// Checks `given` and tidies up after an interrupted build; throws `SiteError` if the
    /// folder may not be replaced. Nothing is deleted unless Inkling wrote it.
    public static func prepare(_ given: String) throws -> Target {
        var target = Target(given: given, path: try OutputPath.resolve(given))
        try cleanLeftovers(&target)
        _ = try scan(target.path, shown: given)
        return target
    }

    /// Writes `files` (relative path -> bytes) as the complete content of the target, with
    /// the marker listing them. Returns notes about anything left alone.
    @discardableResult
    public static func write(_ files: [String: Data], to target: Target, swap: Swap = .exchange) throws -> [String] {
        let old = try scan(target.path, shown: target.given)  // again: time passed since prepare
        try makeFolder(target.parent, shown: target.given)
        let staging = try stage(files, in: target)

        guard let old else {
            // Nothing there (or it vanished): one rename. An empty folder created meanwhile
            // is replaced by it; a non-empty one makes it fail.
            if rename(staging.path, target.path) != 0 {
                let why = errnoText()
                _ = remove(staging.contents, at: staging.path)
                throw SiteError(file: target.given, expected: "to move the new site into place", found: why)
            }
            syncFolder(target.parent)
            return []
        }

        var oldCopy = staging.path  // after an exchange, the staging name holds the old site
        if swap == .exchange, let exchange = renameat2Function {
            if exchange(AT_FDCWD, staging.path, AT_FDCWD, target.path, renameExchange) != 0 {
                if errno != EINVAL && errno != ENOSYS && errno != ENOTSUP {
                    let why = errnoText()
                    _ = remove(staging.contents, at: staging.path)
                    throw SiteError(file: target.given, expected: "to swap the new site into place", found: why)
                }
                oldCopy = try twoRenames(staging, target)
            }
        } else {
            oldCopy = try twoRenames(staging, target)
        }
        syncFolder(target.parent)
        if !remove(old, at: oldCopy) {
            return ["left \(oldCopy) alone: the old site there holds files inkling did not write"]
        }
        return []
    }

    // MARK: - staging and swapping

    private struct Staging { let path: String; let contents: Contents }

    /// A fresh `.<name>.building-XXXXXX` with the marker and `files`, flushed, rwxr-xr-x.
    private static func stage(_ files: [String: Data], in target: Target) throws -> Staging {
        for name in files.keys where !SiteMarker.isPlainRelativePath(name) {
            throw SiteError(file: target.given, expected: "plain relative file names to write", found: "\"\(name)\"")
        }
        let path = try makeTemporaryFolder(in: target.parent, prefix: ".\(target.name).building-", shown: target.given)
        let marker = SiteMarker(files: files.keys)
        var folders: [String] = []
        var written: [String] = []
        do {
            try createNewFile(marker.encoded(), at: path + "/" + SiteMarker.fileName)
            written.append(SiteMarker.fileName)
            for (relative, data) in files.sorted(by: { $0.key < $1.key }) {
                var folder = ""
                for part in relative.split(separator: "/").dropLast() {
                    folder += (folder.isEmpty ? "" : "/") + part
                    if !folders.contains(folder) {
                        guard mkdir(path + "/" + folder, 0o755) == 0 else {
                            throw SiteError(file: path + "/" + folder, expected: "to create a folder of the new site", found: errnoText())
                        }
                        folders.append(folder)
                    }
                }
                try createNewFile(data, at: path + "/" + relative)
                written.append(relative)
            }
            for folder in folders.reversed() { syncFolder(path + "/" + folder) }
            syncFolder(path)
            guard chmod(path, 0o755) == 0 else {
                throw SiteError(file: path, expected: "to make the new site readable", found: errnoText())
            }
        } catch {
            _ = remove(Contents(files: written, folders: folders.reversed()), at: path)
            throw error
        }
        return Staging(path: path, contents: Contents(files: written, folders: folders.reversed()))
    }

    /// The fallback swap: target -> reserved `.<name>.old-XXXXXX`, staging -> target.
    /// Returns where the old site went. If the second rename fails the first is undone.
    private static func twoRenames(_ staging: Staging, _ target: Target) throws -> String {
        let fail = { (why: String) -> SiteError in
            _ = remove(staging.contents, at: staging.path)
            return SiteError(file: target.given, expected: "to move the new site into place", found: why)
        }
        let old: String
        do { old = try makeTemporaryFolder(in: target.parent, prefix: ".\(target.name).old-", shown: target.given) } catch {
            throw fail("\(error)")
        }
        // rename(2) onto an empty folder replaces it: the reserved name becomes the old site.
        guard rename(target.path, old) == 0 else {
            let why = errnoText()
            rmdir(old)
            throw fail(why)
        }
        guard rename(staging.path, target.path) == 0 else {
            let why = errnoText()
            if rename(old, target.path) != 0 {
                throw fail("\(why); the old site is in \(old) (the next build puts it back)")
            }
            throw fail(why)
        }
        return old
    }

    // MARK: - what a folder holds

    /// The files and subfolders of a folder Inkling may replace or delete.
    struct Contents {
        /// Relative paths of files, the marker (if any) last, so an interrupted delete still
        /// leaves a marked folder.
        var files: [String]
        /// Relative paths of subfolders, deepest first.
        var folders: [String]
        /// Every file the marker lists exists (a whole site, not a half-written staging).
        var isComplete = true
        var isEmpty: Bool { files.isEmpty && folders.isEmpty }
    }

    /// What `path` holds, if Inkling may replace it: nil if nothing is there; a marked folder
    /// holding only files its marker lists; an unmarked one holding exactly the files of an
    /// older Inkling site (`SiteMarker.legacyFiles`); or an empty one. Otherwise throws
    /// `SiteError` naming `shown` and the first file Inkling did not write.
    static func scan(_ path: String, shown: String) throws -> Contents? {
        var st = stat()
        if lstat(path, &st) != 0 {
            if errno == ENOENT { return nil }
            throw SiteError(file: shown, expected: "a folder (or nothing) to write the site into", found: errnoText())
        }
        switch st.st_mode & S_IFMT {
        case S_IFDIR: break
        case S_IFLNK: throw SiteError(file: shown, expected: "a folder (or nothing) to write the site into", found: "a symbolic link")
        default: throw SiteError(file: shown, expected: "a folder (or nothing) to write the site into", found: "a file")
        }

        // Everything inside, relative, sorted; folders marked as such.
        var entries: [(path: String, kind: mode_t)] = []
        func walk(_ relative: String) throws {
            let full = relative.isEmpty ? path : path + "/" + relative
            let names: [String]
            do { names = try FileManager.default.contentsOfDirectory(atPath: full).sorted() } catch {
                throw SiteError(file: shown, expected: "a folder inkling can read", found: "\(full): \(error.localizedDescription)")
            }
            for name in names {
                let child = relative.isEmpty ? name : relative + "/" + name
                var cs = stat()
                guard lstat(path + "/" + child, &cs) == 0 else { continue }  // vanished meanwhile
                entries.append((child, cs.st_mode & S_IFMT))
                if cs.st_mode & S_IFMT == S_IFDIR { try walk(child) }
            }
        }
        try walk("")
        if entries.isEmpty { return Contents(files: [], folders: []) }

        let markerPath = path + "/" + SiteMarker.fileName
        guard let markerEntry = entries.first(where: { $0.path == SiteMarker.fileName }) else {
            // No marker: a site of an older Inkling (exactly its files), or someone else's folder.
            let names = Set(entries.map(\.path))
            if names == SiteMarker.legacyFiles && entries.allSatisfy({ $0.kind == S_IFREG }) {
                return Contents(files: names.sorted(), folders: [])
            }
            let hint = "; choose another --out, or empty or remove the folder yourself"
            if let foreign = entries.first(where: { !SiteMarker.legacyFiles.contains($0.path) || $0.kind != S_IFREG }) {
                throw SiteError(file: shown, expected: "a folder built by inkling (it holds \(SiteMarker.fileName)) or an empty one",
                                found: "\(foreign.path), which inkling did not write\(hint)")
            }
            throw SiteError(file: shown, expected: "a folder built by inkling (it holds \(SiteMarker.fileName)) or an empty one",
                            found: "only \(names.sorted().joined(separator: ", ")) and no \(SiteMarker.fileName)\(hint)")
        }
        guard markerEntry.kind == S_IFREG, let data = FileManager.default.contents(atPath: markerPath) else {
            throw SiteError(file: shown + "/" + SiteMarker.fileName, expected: "a marker file written by inkling", found: "something else")
        }
        let marker = try SiteMarker.decode(data, file: shown + "/" + SiteMarker.fileName)
        let listed = Set(marker.files)
        var listedFolders = Set<String>()
        for file in marker.files {
            var parts = file.split(separator: "/").dropLast().map(String.init)
            while !parts.isEmpty { listedFolders.insert(parts.joined(separator: "/")); parts.removeLast() }
        }
        var contents = Contents(files: [], folders: [])
        for entry in entries where entry.path != SiteMarker.fileName {
            if entry.kind == S_IFREG && listed.contains(entry.path) { contents.files.append(entry.path) }
            else if entry.kind == S_IFDIR && listedFolders.contains(entry.path) { contents.folders.append(entry.path) }
            else {
                throw SiteError(file: shown, expected: "only the files inkling wrote there (listed in \(SiteMarker.fileName))",
                                found: "\(entry.path), which inkling did not write; move it elsewhere or choose another --out")
            }
        }
        contents.isComplete = contents.files.count == listed.count
        contents.files.append(SiteMarker.fileName)
        contents.folders.sort { $0.split(separator: "/").count > $1.split(separator: "/").count }
        return contents
    }

    /// Deletes exactly `contents` and then the folder `path`. Anything else found there
    /// stays, and so does the folder: returns false then.
    static func remove(_ contents: Contents, at path: String) -> Bool {
        for file in contents.files { unlink(path + "/" + file) }
        for folder in contents.folders { rmdir(path + "/" + folder) }
        return rmdir(path) == 0 || errno == ENOENT
    }

    // MARK: - leftovers of an interrupted build

    /// Deletes `.<name>.building-*` and `.<name>.old-*` next to the target when they hold
    /// only what Inkling wrote; if the target is missing, first renames the newest whole old
    /// copy back into place.
    private static func cleanLeftovers(_ target: inout Target) throws {
        let prefixes = [".\(target.name).building-", ".\(target.name).old-"]
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: target.parent) else { return }
        var found: [(name: String, contents: Contents)] = []
        for name in names.sorted() where prefixes.contains(where: { name.hasPrefix($0) }) {
            let path = target.parent + "/" + name
            do {
                if let contents = try scan(path, shown: path) { found.append((name, contents)) }
            } catch {
                target.notes.append("left \(path) alone: \(error)")
            }
        }
        var st = stat()
        if lstat(target.path, &st) != 0 && errno == ENOENT {
            let whole = found.filter { $0.name.hasPrefix(prefixes[1]) && $0.contents.isComplete && !$0.contents.isEmpty }
            if let newest = whole.max(by: { modified(target.parent + "/" + $0.name) < modified(target.parent + "/" + $1.name) }) {
                let path = target.parent + "/" + newest.name
                guard rename(path, target.path) == 0 else {
                    throw SiteError(file: target.given, expected: "to put back the old site from \(path)", found: errnoText())
                }
                target.notes.append("put back \(target.given) from \(path), left by an interrupted build")
                found.removeAll { $0.name == newest.name }
            }
        }
        for leftover in found {
            let path = target.parent + "/" + leftover.name
            if remove(leftover.contents, at: path) {
                target.notes.append("removed \(path), left by an interrupted build")
            } else {
                target.notes.append("left \(path) alone: it holds files inkling did not write")
            }
        }
    }

    private static func modified(_ path: String) -> Double {
        var st = stat()
        guard lstat(path, &st) == 0 else { return 0 }
        return Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) * 1e-9
    }

    // MARK: - system calls

    private static func makeFolder(_ path: String, shown: String) throws {
        do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            throw SiteError(file: path, expected: "a writable folder for \(shown)", found: error.localizedDescription)
        }
    }

    /// mkdtemp(3): a new folder `<parent>/<prefix>XXXXXX`, mode rwx------, unpredictable name.
    private static func makeTemporaryFolder(in parent: String, prefix: String, shown: String) throws -> String {
        var template = Array("\(parent)/\(prefix)XXXXXX".utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw SiteError(file: shown, expected: "a writable folder \(parent) for the new site", found: errnoText())
        }
        return String(cString: template)
    }

    /// renameat2(2) from glibc (2.28+), looked up at run time: Swift's Glibc module does not
    /// export it, and syscall(2) is variadic, which Swift cannot call.
    private typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
    private static let renameat2Function: RenameAt2? = dlsym(nil, "renameat2").map { unsafeBitCast($0, to: RenameAt2.self) }
    private static let renameExchange: UInt32 = 2  // RENAME_EXCHANGE, <linux/fs.h>
}

import Foundation

/// Checks the path given to `inkling build --out` before anything is written: the build
/// replaces that folder as a whole, so a slip like `--out .` or `--out ~` must be refused
/// however it is spelled (`./`, `foo/..`, a symlink to the home folder ...).
enum OutputPath {
    /// The folder `given` names: absolute, with "." / ".." and symlinks resolved (a folder
    /// that does not exist yet is resolved through its nearest existing ancestor).
    /// Throws `SiteError` for "", "/", the current folder, the home folder, or any folder
    /// that contains one of them.
    static func resolve(_ given: String) throws -> String {
        let expected = "a folder that `inkling build` may replace as a whole"
        guard !given.isEmpty else { throw SiteError(file: "\"\"", expected: "a folder name for --out", found: "an empty path") }
        let cwd = realPath(FileManager.default.currentDirectoryPath) ?? FileManager.default.currentDirectoryPath
        let lexical = normalize(given.hasPrefix("/") ? given : cwd + "/" + given)
        let resolved = resolveExisting(lexical)
        let kernel = realPath(given)  // how open(2) reads it, if it exists
        var homes: [String] = []
        if let h = getenv("HOME"), case let home = String(cString: h), home.hasPrefix("/") { homes.append(realPath(home) ?? normalize(home)) }
        if let pw = getpwuid(getuid()), let dir = pw.pointee.pw_dir { homes.append(realPath(String(cString: dir)) ?? String(cString: dir)) }

        let shown = resolved == given ? "" : " (\(resolved))"
        for path in Set([lexical, resolved] + (kernel.map { [$0] } ?? [])) {
            let problem: String?
            if path == "/" { problem = "the root folder" }
            else if path == cwd { problem = "the current folder" }
            else if homes.contains(path) { problem = "your home folder" }
            else if isAncestor(path, of: cwd) { problem = "a folder that contains the current folder" }
            else if homes.contains(where: { isAncestor(path, of: $0) }) { problem = "a folder that contains your home folder" }
            else { problem = nil }
            if let problem { throw SiteError(file: given, expected: expected, found: problem + shown) }
        }
        // The kernel reads "link/.." as the parent of the link's target, not as "."; if the
        // two readings differ, the path is ambiguous: refuse rather than guess.
        if let kernel, kernel != resolved {
            throw SiteError(file: given, expected: expected, found: "a path whose \"..\" follows a symbolic link (it means \(kernel))")
        }
        return resolved
    }

    /// "/a/./b//c/../d" -> "/a/b/d", without touching the file system.
    static func normalize(_ absolute: String) -> String {
        var parts: [Substring] = []
        for part in absolute.split(separator: "/") {
            if part == "." { continue }
            if part == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }

    /// realpath(3) of the longest existing prefix of `absolute` (normalized), plus the rest.
    static func resolveExisting(_ absolute: String) -> String {
        if let real = realPath(absolute) { return real }
        let url = URL(fileURLWithPath: absolute)
        let parent = url.deletingLastPathComponent().path
        if parent == absolute { return absolute }
        let base = resolveExisting(parent)
        return (base == "/" ? "" : base) + "/" + url.lastPathComponent
    }

    static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }

    static func isAncestor(_ folder: String, of path: String) -> Bool {
        folder == "/" ? path != "/" : path.hasPrefix(folder + "/")
    }
}

/// Reads every file in order with `read`, any error becoming a `PNGError` that names the file;
/// `each` sees each outcome as soon as it is known (the CLI prints as it goes, so one bad file
/// never hides the others). Shared by `predict` and `predict --number/--sum`.
func eachFile<T>(_ files: [String], _ read: (String) throws -> T, each: (Result<T, PNGError>) -> Void) -> [Result<T, PNGError>] {
    files.map { path in
        let outcome: Result<T, PNGError>
        do {
            outcome = .success(try read(path))
        } catch let error as PNGError {
            outcome = .failure(error)
        } catch {
            outcome = .failure(PNGError(file: path, kind: .unreadable, problem: "\(error)"))
        }
        each(outcome)
        return outcome
    }
}

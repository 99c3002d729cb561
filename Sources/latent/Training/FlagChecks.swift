import GenerativeModels

extension CheckedConfiguration {
    /// ``CheckedConfiguration/check()`` for a configuration made from the flags (or a resumed one
    /// with new --epochs or --threads): an error names the flag the user wrote.
    func checkFlags() throws {
        do { try check() } catch ConfigurationError.outOfRange(let key, let flag, let value, let allowed) {
            if flag == "--data" { throw CommandError("--data gives \(key) \(value); it must be \(allowed).") }
            throw CommandError("\(flag) must be \(allowed), not \(value).")
        }
    }
}

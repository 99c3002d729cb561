/// Negative numbers given as option values, `--latent -1`: ArgumentParser reads a word that starts
/// with "-" as an option name, so the user would hear "Missing value for '--latent'" instead of what
/// is wrong with −1. No option of `latent` is spelled like a number, so a word that is a negative
/// number after an option name is that option's value, and is passed on as `--latent=-1`, which the
/// option's own check then refuses with its sentence.
enum NegativeNumberArguments {
    static func joined(_ arguments: [String]) -> [String] {
        var result: [String] = []
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            if word.hasPrefix("--"), !word.contains("="), word != "--", index + 1 < arguments.count,
               isNegativeNumber(arguments[index + 1]) {
                result.append("\(word)=\(arguments[index + 1])")
                index += 2
            } else {
                result.append(word)
                index += 1
            }
        }
        return result
    }

    /// "-1", "-0.5", "-.5", "-1e-3", "-inf", "-nan": a minus sign, then what Double parses.
    static func isNegativeNumber(_ word: String) -> Bool {
        word.hasPrefix("-") && word.count > 1 && Double(word.dropFirst()) != nil
    }
}

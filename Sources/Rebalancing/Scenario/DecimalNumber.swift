import Foundation

/// The one number syntax the tool reads, in data files and on the command line alike: a
/// decimal number, `[-+]?(digits)(.digits)?([eE][-+]?digits)?` or `[-+]?.digits…` — so that
/// `0x10`, `1_000`, `nan` or `inf` are never numbers anywhere.
public enum DecimalNumber {
    /// Whether `text` is written as a decimal number.
    public static func isWellFormed<S: StringProtocol>(_ text: S) -> Bool {
        var bytes = text.utf8[...]
        if let f = bytes.first, f == UInt8(ascii: "-") || f == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
        var digits = 0, seenDot = false, seenExp = false, expDigits = 0, afterExp = false
        for b in bytes {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if seenExp { expDigits += 1 } else { digits += 1 }
                afterExp = false
            case UInt8(ascii: "."):
                if seenDot || seenExp { return false }
                seenDot = true
            case UInt8(ascii: "e"), UInt8(ascii: "E"):
                if seenExp || digits == 0 { return false }
                seenExp = true
                afterExp = true
            case UInt8(ascii: "-"), UInt8(ascii: "+"):
                if !afterExp { return false }
                afterExp = false
            default:
                return false
            }
        }
        return digits > 0 && (!seenExp || expDigits > 0)
    }

    /// The value of a well-formed decimal number (nil for anything else).
    public static func parse<S: StringProtocol>(_ text: S) -> Double? {
        guard isWellFormed(text) else { return nil }
        return Double(String(text))
    }

    /// The exact decimal value of a well-formed number, for sums that must not depend on
    /// binary rounding (nil when it is not well formed or out of `Decimal`'s range).
    public static func exact<S: StringProtocol>(_ text: S) -> Decimal? {
        guard isWellFormed(text) else { return nil }
        var s = String(text)
        if s.hasPrefix("+") { s.removeFirst() }
        return Decimal(string: s, locale: Locale(identifier: "en_US_POSIX"))
    }
}

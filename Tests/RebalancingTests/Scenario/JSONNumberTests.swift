import Foundation
import Testing

@testable import Rebalancing

/// The JSON parser reads a number in one pass, by Clinger's fast path where it is exact: every
/// numeral must give bit for bit the Double that Swift's own full conversion, `Double(String)`,
/// gives, and the whole numeral must be read.
@Suite struct JSONNumberTests {
    private func expectSameAsSwift(_ numeral: String) throws {
        let (read, end) = try JSONParser.reading(Array(numeral.utf8)) { parser throws(DocumentError) in
            (try parser.readNumber(), parser.i)
        }
        let swift = try #require(Double(numeral), "\(numeral)")
        #expect(read.value.bitPattern == swift.bitPattern, "\(numeral): \(read.value) against \(swift)")
        #expect(read.text == 0..<numeral.utf8.count && end == numeral.utf8.count, "\(numeral)")
    }

    @Test func edgeCasesReadAsSwiftReadsThem() throws {
        let numerals = [
            "0", "-0", "0.0", "-0.0", "0e5", "-0e-5", "0e1000", "1", "-1", "0.1", "0.2", "0.3", "4.35", "-72.125",
            "1e22", "1e23", "1e-22", "1e-23", "9.999e22", "123456789e-22", "123456789e-23", "1E+2", "1e0001",
            "9007199254740991", "9007199254740992", "9007199254740993", "9007199254740994", "18014398509481985",
            "900719925474099.3", "0.9007199254740993", "12345678901234567890", "1.7976931348623157e308",
            "1.7976931348623159e308", "1e400", "-1e400", "2.2250738585072014e-308", "4.9e-324", "2e-324", "1e-400",
            "0.000000000000000000000000000001", "1000000000000000000000000", "3.14159265358979323846264338327950288",
            "0.0000001e-16", "100000000000000000000000e-22", "1e999", "1e1000", "1e-999", "1e99999999999999999999",
            "123.456e-7", "5e-1", "2.5", "1.000000000000000000000000000000000000001",
        ]
        for numeral in numerals { try expectSameAsSwift(numeral) }
    }

    @Test func randomNumeralsReadAsSwiftReadsThem() throws {
        var random = SplitMix64(seed: 13)
        func digits(_ count: Int) -> String {
            String((0..<count).map { _ in Character(String(Int.random(in: 0...9, using: &random))) })
        }
        for _ in 0..<20_000 {
            var numeral = Bool.random(using: &random) ? "-" : ""
            let integerDigits = Int.random(in: 0...20, using: &random)
            numeral += integerDigits == 0 ? "0" : String(Int.random(in: 1...9, using: &random)) + digits(integerDigits - 1)
            if Bool.random(using: &random) { numeral += "." + digits(Int.random(in: 1...20, using: &random)) }
            if Int.random(in: 0..<3, using: &random) == 0 {
                numeral += ["e", "E"].randomElement(using: &random)! + ["", "+", "-"].randomElement(using: &random)!
                numeral += digits(Int.random(in: 1...3, using: &random))
            }
            try expectSameAsSwift(numeral)
        }
    }

    /// Prices and shares as a program writes them: up to 16 significant digits, most of them on
    /// the fast path.
    @Test func moneyLikeNumeralsReadAsSwiftReadsThem() throws {
        var random = SplitMix64(seed: 29)
        for _ in 0..<20_000 {
            let value = Double.random(in: 0..<1_000_000, using: &random)
            let places = Int.random(in: 0...10, using: &random)
            for numeral in [String(value), String(format: "%.\(places)f", value), "\(Int(value))"] {
                try expectSameAsSwift(numeral)
            }
        }
    }
}

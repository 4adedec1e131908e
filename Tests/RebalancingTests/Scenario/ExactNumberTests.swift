import Foundation
import Testing

@testable import Rebalancing

/// One number syntax everywhere, and weight sums checked exactly in decimal.
@Suite("Exact numbers")
struct ExactNumberTests {
    static func pie(_ weights: [String]) -> String {
        let symbols = ["A", "B", "C", "D"]
        let slices = weights.enumerated().map { "{symbol: \(symbols[$0.offset]), weight: \($0.element)}" }
        return """
            asOf: 2026-11-20
            prices: {A: 10, B: 10, C: 10, D: 10}
            pie: {slices: [\(slices.joined(separator: ", "))]}
            accounts: [{id: t, type: taxable, cash: 100}]
            """
    }

    static func weightIssues(_ weights: [String]) -> [String] {
        do throws(ScenarioError) {
            _ = try ScenarioLoader.parse(Data(pie(weights).utf8), format: .yaml, source: "w.yaml")
            return []
        } catch {
            return error.lines.filter { $0.contains("weights must sum") }
        }
    }

    /// The JSON reader converts most numbers without a full decimal conversion (when the digits
    /// and the power of ten are exact in a Double): every number must still be the Double that
    /// Swift's own conversion gives, bit for bit, including those just inside and outside the
    /// fast path's limits (2^53, 10^±22) and random ones of every length.
    @Test func jsonNumbersAreTheFullConversionBitForBit() throws {
        var texts = [
            "0", "-0", "0.0", "-0.0", "1", "-1", "0.1", "0.3", "123.45", "-583.19", "1e22", "1e23", "1e-22", "1e-23",
            "9007199254740992", "9007199254740993", "9007199254740991.5", "90071992547409.93", "4.35e-7",
            "1234567890123456789", "0.000000000000000000000000001", "12345678901234567e-3", "17976931348623157e292",
            "2.2250738585072014e-308", "5e-324", "1E+2", "1e+022", "-3.14159265358979323846", "100.000000000000000000",
        ]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            let whole = String(UInt64.random(in: 0...UInt64.max, using: &rng) >> UInt64.random(in: 0...63, using: &rng))
            let fraction = String(UInt64.random(in: 0...999_999_999_999, using: &rng))
            let sign = Bool.random(using: &rng) ? "-" : ""
            let exponent = Bool.random(using: &rng) ? "e\(Int.random(in: -30...30, using: &rng))" : ""
            texts.append(sign + whole + (Bool.random(using: &rng) ? "." + fraction : "") + exponent)
        }
        let document = try Document.parseJSON(Data(("[" + texts.joined(separator: ",") + "]").utf8))
        guard case .list(let items) = document else { Issue.record("not a list"); return }
        #expect(items.count == texts.count)
        for (text, item) in zip(texts, items) {
            guard case .number(let value, let written) = item else {
                Issue.record("\(text) is not a number")
                continue
            }
            #expect(written == text)
            #expect(value.bitPattern == Double(text)!.bitPattern, "\(text)")
        }
    }

    /// "Within 0.01 either way": 99.99 and 100.01 are in, 99.98 and 100.02 are out, however
    /// the binary doubles round (33.33 × 3 sums to 99.99000000000001 or 99.98999999999999).
    @Test func weightSumsAreWithinAHundredthEitherWayExactly() {
        #expect(Self.weightIssues(["33.33", "33.33", "33.33"]).isEmpty)
        #expect(Self.weightIssues(["33.33", "33.33", "33.35"]).isEmpty)
        #expect(Self.weightIssues(["0.01", "0.01", "0.01", "99.96"]).isEmpty)  // 99.99
        #expect(Self.weightIssues(["50.01", "50.01"]) == ["w.yaml: pie.slices: weights must sum to 100, got 100.02"])
        #expect(Self.weightIssues(["33.33", "33.33", "33.32"]) == ["w.yaml: pie.slices: weights must sum to 100, got 99.98"])
        #expect(Self.weightIssues(["5e1", "5e1"]).isEmpty)
        // More than 6 decimals: summed as Decimal, not in millionths.
        #expect(Self.weightIssues(["33.3333333", "33.3333333", "33.3333334"]).isEmpty)
        #expect(Self.weightIssues(["50.0050001", "50.005"]) == ["w.yaml: pie.slices: weights must sum to 100, got 100.0100001"])
    }

    /// The weights summed in millionths (most pies): digits with at most 6 decimals.
    @Test func weightsInMillionths() {
        #expect(ScenarioReader.millionths("12.5") == 12_500_000)
        #expect(ScenarioReader.millionths("100") == 100_000_000)
        #expect(ScenarioReader.millionths(".000001") == 1)
        #expect(ScenarioReader.millionths("5.") == 5_000_000)
        for other in ["1e2", "-1", "+1", "1.0000001", "1.2.3", "", ".", "1234567890123456"] {
            #expect(ScenarioReader.millionths(other) == nil, "\(other)")
        }
    }

    @Test func decimalNumbersOnly() {
        for good in ["1", "-1", "+2.5", ".5", "5.", "1e3", "1E-3", "0.10"] {
            #expect(DecimalNumber.parse(good) != nil, "\(good)")
        }
        for bad in ["0x10", "1_000", "nan", "inf", "Infinity", "1e", "", "-", ".", "1.2.3", " 1", "0b1"] {
            #expect(DecimalNumber.parse(bad) == nil, "\(bad)")
        }
    }

    /// The command line's strategy arguments read numbers as data files do.
    @Test func strategyArgumentsAreDecimalNumbersInRange() throws {
        #expect(try Strategy(parsing: "tax-aware:0.25").kind == .taxAware(kappa: 0.25))
        #expect(try Strategy(parsing: "tax-budget:1e3").kind == .taxBudget(1000))
        func reason(_ text: String) -> String? {
            do throws(StrategyError) {
                _ = try Strategy(parsing: text)
                return nil
            } catch {
                return error.description
            }
        }
        #expect(reason("tax-aware:0x10")?.contains("must be a decimal number, got \"0x10\"") == true)
        #expect(reason("tax-aware:inf")?.contains("must be a decimal number") == true)
        #expect(reason("tax-aware:1e308")?.contains("at most 1e12") == true)
        #expect(reason("tax-aware:2e6")?.contains("κ must be at most 1000000") == true)
        #expect(reason("tax-budget:1e13")?.contains("at most 1e12") == true)
        #expect(reason("band:0x5")?.contains("decimal number") == true)
    }
}

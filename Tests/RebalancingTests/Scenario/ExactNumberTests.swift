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

    /// "Within 0.01 either way": 99.99 and 100.01 are in, 99.98 and 100.02 are out, however
    /// the binary doubles round (33.33 × 3 sums to 99.99000000000001 or 99.98999999999999).
    @Test func weightSumsAreWithinAHundredthEitherWayExactly() {
        #expect(Self.weightIssues(["33.33", "33.33", "33.33"]).isEmpty)
        #expect(Self.weightIssues(["33.33", "33.33", "33.35"]).isEmpty)
        #expect(Self.weightIssues(["0.01", "0.01", "0.01", "99.96"]).isEmpty)  // 99.99
        #expect(Self.weightIssues(["50.01", "50.01"]) == ["w.yaml: pie.slices: weights must sum to 100, got 100.02"])
        #expect(Self.weightIssues(["33.33", "33.33", "33.32"]) == ["w.yaml: pie.slices: weights must sum to 100, got 99.98"])
        #expect(Self.weightIssues(["5e1", "5e1"]).isEmpty)
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

import Foundation
import Testing

@testable import Rebalancing

/// A lot worth under half a cent is dust: it is sold only when the solver sold it, never for
/// being small.
@Suite("Dust lots")
struct DustLotTests {
    /// On target (A $100, B $100 for a 50/50 pie) with a dust lot of each: nothing to do.
    static let onTargetWithDust = """
        asOf: 2026-11-20
        prices: {A: 1, B: 1}
        pie: {slices: [{symbol: A, weight: 50}, {symbol: B, weight: 50}]}
        accounts:
          - id: t
            type: taxable
            cash: 0
            lots:
              - {symbol: A, shares: 100, costBasis: 50, acquired: 2020-01-01}
              - {symbol: B, shares: 100, costBasis: 50, acquired: 2020-01-01}
              - {symbol: A, shares: 0.004, costBasis: 0.001, acquired: 2020-01-01}
              - {symbol: B, shares: 0.003, costBasis: 0.001, acquired: 2020-01-01}
        """

    /// A $100.004 against B $100.003: the drift is $0.0005 (under half a cent), and selling
    /// either dust lot would only add tax and turnover. cash-only may not sell at all (the
    /// account needs no cash) and band:100 has every holding inside its band: neither sells.
    @Test(arguments: ["cash-only", "band:100", "full", "tax-aware:0.10"])
    func dustIsNotSoldForBeingDust(strategy: String) throws {
        let r = try report(try household(Self.onTargetWithDust), strategy)
        #expect(r.status == .optimal)
        #expect(r.trades.isEmpty, "\(r.trades.map { "\($0.action) \($0.symbol) \($0.shares)" })")
    }

    /// 100 lots of A, each 0.004 shares at $1, and a 50/50 pie of A and B: $0.40 in all, so
    /// the target is $0.20 of each. Selling 50 whole lots ($0.20) and buying $0.20 of B puts
    /// the household exactly on target (drift 0 from 50%). Every sale is dust, yet `full`
    /// must reach (close to) that: at most one lot's rounding, $0.002 of $0.40 = 0.5%.
    @Test func anAllDustHouseholdReachesWhatIsReachable() throws {
        let lots = (0..<100).map { _ in "      - {symbol: A, shares: 0.004, costBasis: 0.001, acquired: 2020-01-01}" }
        let yaml = """
            asOf: 2026-11-20
            prices: {A: 1, B: 1}
            pie: {slices: [{symbol: A, weight: 50}, {symbol: B, weight: 50}]}
            accounts:
              - id: t
                type: taxable
                cash: 0
                lots:
            \(lots.joined(separator: "\n"))
            """
        let h = try household(yaml)
        let full = try report(h, "full")
        #expect(full.status == .optimal)
        #expect(close(full.summary.driftBefore, 0.5, within: 1e-9))
        #expect(full.summary.driftAfter <= 0.005, "drift after \(full.summary.driftAfter)")
        #expect(close(full.amount("t", "A", .sell), 0.20, within: 0.0025))
        // cash-only has no cash to spend and none to raise: it sells no dust at all.
        let cashOnly = try report(h, "cash-only")
        #expect(cashOnly.status == .optimal)
        #expect(cashOnly.trades.isEmpty)
    }
}

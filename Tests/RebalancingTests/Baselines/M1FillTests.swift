import Foundation
import Testing

@testable import Rebalancing

/// m1's cash fill: the most relatively underweight slice first (the lowest holding/target ratio is
/// raised to the next, then both together), not in proportion to the shortfalls and not the
/// largest shortfall alone. Kept apart from the lot-order tests (M1OrderTests).
@Suite("m1 most-underweight-first fill")
struct M1FillTests {
    // Pie A 50 / B 25 / C 25, every price $100, one taxable account, $2,000 cash.
    // Holdings A $6,000 (marked doNotSell, so the overweight A cannot fund anything), B $1,500,
    // C $500: I = 6,000 + 1,500 + 500 + 2,000 = $10,000, targets A 5,000, B 2,500, C 2,500.
    // Ratios: B 1,500/2,500 = 0.6, C 500/2,500 = 0.2; the shortfalls (1,000 + 2,000) exceed the cash.
    // Water-filling by hand:
    //   raise C from 0.2 to 0.6: 2,500 × 0.4 = $1,000 (C now $1,500), $1,000 left;
    //   raise B and C together from 0.6 to λ: (2,500 + 2,500)(λ − 0.6) = 1,000 → λ = 0.8;
    //   B buys 2,500 × 0.8 − 1,500 = $500, C buys 2,500 × 0.8 − 500 = $1,500 (total $2,000).
    // In proportion to the shortfalls it would be B $667 / C $1,333; largest shortfall alone C $2,000.
    static let yaml = """
        asOf: 2026-11-20
        prices: {A: 100, B: 100, C: 100}
        pie: {slices: [{symbol: A, weight: 50}, {symbol: B, weight: 25}, {symbol: C, weight: 25}]}
        accounts:
          - id: t
            type: taxable
            cash: 2000
            lots:
              - {symbol: A, shares: 60, costBasis: 6000, acquired: 2020-01-02, doNotSell: true}
              - {symbol: B, shares: 15, costBasis: 1500, acquired: 2020-01-02}
              - {symbol: C, shares: 5, costBasis: 500, acquired: 2020-01-02}
        """

    @Test func cashRaisesTheLowestRatioFirstThenBothTogether() throws {
        let r = try report(try household(Self.yaml), "m1")
        #expect(r.plan.status == .optimal)
        #expect(r.plan.sharesSold.allSatisfy { $0 == 0 }, "nothing to sell: A is doNotSell, B and C are underweight")
        #expect(close(r.amount("t", "B", .buy), 500), "B bought \(r.amount("t", "B", .buy))")
        #expect(close(r.amount("t", "C", .buy), 1500), "C bought \(r.amount("t", "C", .buy))")
        #expect(close(r.amount("t", "A", .buy), 0))
    }

    @Test func waterFillOnItsOwn() {
        // The same numbers through the fill alone: targets 2,500 / 2,500, holdings 1,500 / 500.
        let amounts = Baselines.waterFill(cash: 2000, targets: [2500, 2500], holdings: [1500, 500])
        #expect(amounts.count == 2 && close(amounts[0], 500) && close(amounts[1], 1500), "\(amounts)")
        // Enough cash for every shortfall: every slice reaches its target and no more.
        let full = Baselines.waterFill(cash: 5000, targets: [2500, 2500], holdings: [1500, 500])
        #expect(close(full[0], 1000) && close(full[1], 2000), "\(full)")
        // A slice above the level reached buys nothing: $400 only lifts C from 0.2 to 0.36
        // (2,500 × 0.16 = 400), below B's 0.6, so B gets none of it.
        let little = Baselines.waterFill(cash: 400, targets: [2500, 2500], holdings: [1500, 500])
        #expect(close(little[0], 0) && close(little[1], 400), "\(little)")
    }
}

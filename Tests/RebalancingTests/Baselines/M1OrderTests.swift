import Foundation
import Testing

@testable import Rebalancing

// The m1 baseline's lot order, as M1 documents it: short-term losses, long-term losses,
// short-term lots at no gain, long-term lots at no gain, long-term gains (smallest gain per share
// first), short-term gains (smallest first).

@Suite("m1 lot order")
struct M1OrderTests {
    @Test func everyBucketInM1sOrder() throws {
        // Price 100; asOf 2026-11-20: lots bought 2020-01-01 are long-term, 2026-05-01 short-term.
        // Gain per share = 100 − costBasis/10.
        let h = try household(
            """
            asOf: 2026-11-20
            prices: {X: 100}
            pie: {slices: [{symbol: X, weight: 100}]}
            accounts:
              - id: a
                type: taxable
                lots:
                  - {symbol: X, shares: 10, costBasis: 500, acquired: 2020-01-01}   # 0: LT gain 50
                  - {symbol: X, shares: 10, costBasis: 990, acquired: 2026-05-01}   # 1: ST gain 1
                  - {symbol: X, shares: 10, costBasis: 1010, acquired: 2026-05-01}  # 2: ST loss 1
                  - {symbol: X, shares: 10, costBasis: 1500, acquired: 2020-01-01}  # 3: LT loss 50
                  - {symbol: X, shares: 10, costBasis: 1000, acquired: 2026-05-01}  # 4: ST no gain
                  - {symbol: X, shares: 10, costBasis: 900, acquired: 2020-01-01}   # 5: LT gain 10
                  - {symbol: X, shares: 10, costBasis: 1300, acquired: 2026-05-01}  # 6: ST loss 30
                  - {symbol: X, shares: 10, costBasis: 1000, acquired: 2020-01-01}  # 7: LT no gain
                  - {symbol: X, shares: 10, costBasis: 700, acquired: 2026-05-01}   # 8: ST gain 30
                  - {symbol: X, shares: 10, costBasis: 1020, acquired: 2020-01-01}  # 9: LT loss 2
            """)
        // ST losses, largest first: 6 (−30), 2 (−1); LT losses: 3 (−50), 9 (−2); ST no gain: 4;
        // LT no gain: 7; LT gains, smallest first: 5 (10), 0 (50); ST gains, smallest first: 1 (1), 8 (30).
        #expect(Baselines.m1Order(Array(0..<10), h) == [6, 2, 3, 9, 4, 7, 5, 0, 1, 8])
        // The order does not depend on the order the lots are given in.
        #expect(Baselines.m1Order(Array((0..<10).reversed()), h) == [6, 2, 3, 9, 4, 7, 5, 0, 1, 8])
    }

    @Test func noGainLotsAreSoldBeforeAnyGain() throws {
        // VTI 40 shares at 100 = 4,000, BND none, no cash: I = 4,000, the 50/50 target is 2,000 each.
        // m1 sells 2,000 of VTI = 20 shares: the short-term no-gain lot 1 (10 shares), then the
        // long-term no-gain lot 3 (10 shares) — realizing nothing. (The old order put lot 3 with the
        // long-term gains and sold lots 3 and 0: $200 of long-term gain.) The 2,000 raised buys BND.
        let h = try household(
            """
            asOf: 2026-11-20
            prices: {VTI: 100, BND: 50}
            pie: {slices: [{symbol: VTI, weight: 50}, {symbol: BND, weight: 50}]}
            accounts:
              - id: brokerage
                type: taxable
                lots:
                  - {symbol: VTI, shares: 10, costBasis: 800, acquired: 2020-01-02}   # 0: LT gain 20/share
                  - {symbol: VTI, shares: 10, costBasis: 1000, acquired: 2026-03-02}  # 1: ST, no gain
                  - {symbol: VTI, shares: 10, costBasis: 950, acquired: 2026-04-01}   # 2: ST gain 5/share
                  - {symbol: VTI, shares: 10, costBasis: 1000, acquired: 2021-05-03}  # 3: LT, no gain
            """)
        let r = try report(h, "m1")
        #expect(r.plan.sharesSold.map { Money.shares($0) } == [0, 10, 0, 10])
        #expect(close(r.amount("brokerage", "BND", .buy), 2000))
        #expect(close(r.summary.realizedShortTerm, 0) && close(r.summary.realizedLongTerm, 0))
        #expect(r.summary.driftAfter < 1e-9)
    }
}

import Foundation
import Testing
@testable import Rebalancing

/// Small households whose optimal plans are worked out by hand. Prices are round and the
/// default rates apply (short-term 35%, long-term 15%); asOf is 2026-11-20, so a lot acquired
/// in 2020 or 2025-06-01 is long-term and one acquired 2026-06-01 short-term.
@Suite struct OptimizerTests {
    /// Two lots of A: L1 10 sh, basis $500 (gain $50/sh, long-term, tax $7.50/sh);
    /// L2 10 sh, basis $1,200 (loss $20/sh, short-term, tax −$7.00/sh). Target 50/50 of
    /// I = $2,000, so A must fall from $2,000 to $1,000: sell 10 shares and buy $1,000 of B.
    static let twoLots = halfAndHalfYAML(lots: [
        "{symbol: A, shares: 10, costBasis: 500, acquired: 2020-01-01}",
        "{symbol: A, shares: 10, costBasis: 1200, acquired: 2026-06-01}",
    ])

    @Test func fullSellsTheCheapestLotsToReachTarget() throws {
        // D* = 0. Among the ways to sell 10 shares, L2 costs −$7/sh and L1 +$7.50/sh: all of L2.
        // LotTax = 0.35 × (−20) × 10 = −$70. Turnover = $1,000 sold + $1,000 bought.
        let r = try report(household(Self.twoLots), "full")
        #expect(r.status == .optimal)
        #expect(close(r.summary.misallocatedAfter, 0))
        #expect(close(r.amount("t", "A", .sell), 1000))
        #expect(close(r.amount("t", "B", .buy), 1000))
        let lots = r.trade("t", "A", .sell)?.lots ?? []
        #expect(lots.count == 1)
        #expect(lots.first?.acquired == Day("2026-06-01"))
        #expect(close(r.summary.lotTax, -70))
        #expect(close(r.summary.turnover, 2000))
        // Before: A is $1,000 over, B $1,000 under: D = ½(1000 + 1000) = 1000 of I = 2000.
        #expect(close(r.summary.misallocatedBefore, 1000))
        #expect(close(r.summary.driftBefore, 0.5, within: 1e-9))
        #expect(close(r.summary.realizedShortTerm, -200))
        #expect(close(r.summary.realizedLongTerm, 0))
    }

    /// A: 10 sh at $100, basis $500, long-term (gain $50/sh); B: 5 sh, basis $500 (no gain);
    /// deposit $300. I = 1000 + 500 + 300 = 1800, targets $900 each: A is $100 over, B $400 under.
    static let deposit = halfAndHalfYAML(lots: [
        "{symbol: A, shares: 10, costBasis: 500, acquired: 2020-01-01}",
        "{symbol: B, shares: 5, costBasis: 500, acquired: 2020-01-01}",
    ], account: "flow: 300")

    @Test func cashOnlyBuysWhatIsUnderweightAndSellsNothing() throws {
        // No sells allowed (cash + flow ≥ minCash). The $300 goes to B: B is then $100 under,
        // A $100 over, no cash left: D = ½(100 + 100) = 100. Tax 0, turnover 300.
        let r = try report(household(Self.deposit), "cash-only")
        #expect(r.status == .optimal)
        #expect(r.trades.allSatisfy { $0.action == .buy })
        #expect(close(r.amount("t", "B", .buy), 300))
        #expect(close(r.summary.misallocatedAfter, 100))
        #expect(close(r.summary.lotTax, 0))
        #expect(close(r.summary.cashAfter[0].amount, 0))
    }

    @Test func fullSellsTheOverweightRemainder() throws {
        // D = 0 needs A down $100 (1 share, long-term gain $50 → tax $7.50) and B up $400.
        let r = try report(household(Self.deposit), "full")
        #expect(close(r.summary.misallocatedAfter, 0))
        #expect(close(r.amount("t", "A", .sell), 100))
        #expect(close(r.amount("t", "B", .buy), 400))
        #expect(close(r.summary.lotTax, 7.5))
        #expect(close(r.summary.turnover, 500))
    }

    /// One lot of A, 10 sh at $100 with basis $0, target 50/50 of $1,000: selling $v of A and
    /// buying $v of B leaves D = 500 − v and costs LotTax = rate × v (the whole price is gain).
    static func singleGain(acquired: String) -> String {
        halfAndHalfYAML(lots: ["{symbol: A, shares: 10, costBasis: 0, acquired: \(acquired)}"])
    }

    @Test(arguments: [
        // κ·(500 − v) + 0.35·v: slope 0.35 − κ. κ = 0.10 → v = 0; κ = 0.50 → v = 500.
        ("2026-06-01", "tax-aware:0.10", 0.0),
        ("2026-06-01", "tax-aware:0.50", 500.0),
        // Long-term, rate 0.15: κ = 0.10 → v = 0; κ = 0.20 → v = 500.
        ("2020-01-01", "tax-aware", 0.0),
        ("2020-01-01", "tax-aware:0.20", 500.0),
    ])
    func taxAwareTradesOnlyWhenDriftIsWorthTheTax(acquired: String, strategy: String, sold: Double) throws {
        let r = try report(household(Self.singleGain(acquired: acquired)), strategy)
        #expect(r.status == .optimal)
        #expect(close(r.amount("t", "A", .sell), sold, within: 0.5))
        #expect(close(r.amount("t", "B", .buy), sold, within: 0.5))
        #expect(close(r.summary.misallocatedAfter, 500 - sold, within: 0.5))
    }

    @Test func taxBudgetCapsTheLotTax() throws {
        // Long-term: $0.15 of tax per dollar sold. A budget of $30 allows $200: D = 500 − 200.
        let r = try report(household(Self.singleGain(acquired: "2020-01-01")), "tax-budget:30")
        #expect(r.status == .optimal)
        #expect(close(r.summary.lotTax, 30, within: 0.01))
        #expect(close(r.amount("t", "A", .sell), 200, within: 0.1))
        #expect(close(r.summary.misallocatedAfter, 300, within: 0.1))
    }

    @Test func aNegativeBudgetWithNoLossesIsInfeasible() throws {
        // Every sale is a gain: LotTax ≥ 0 > −1. Infeasible is a result, not a crash.
        let r = try report(household(Self.singleGain(acquired: "2020-01-01")), "tax-budget:-1")
        #expect(r.status == .infeasible)
        #expect(r.trades.isEmpty)
    }

    @Test func bandLeavesDriftInsideTheBand() throws {
        // A $560 (basis $280: gain $50/sh, long-term), B $440 of I = $1,000; band 5 points = $50.
        // D_β = ½(10 + 10): sell $10 of A, buy $10 of B (LotTax 0.15 × 50 × 0.1 = $0.75). D then
        // stays near 50: the LotTax stage's tolerance (0.01 + 1e-7·1000 = 0.0101) allows at most
        // 0.0101 / 0.075 = $0.13 more to be sold.
        let yaml = halfAndHalfYAML(lots: [
            "{symbol: A, shares: 5.6, costBasis: 280, acquired: 2020-01-01}",
            "{symbol: B, shares: 4.4, costBasis: 440, acquired: 2020-01-01}",
        ])
        let r = try report(household(yaml), "band:5")
        #expect(close(r.amount("t", "A", .sell), 10, within: 0.14))
        #expect(close(r.summary.lotTax, 0.75, within: 0.011))
        #expect(r.summary.misallocatedAfter >= 49.86 && r.summary.misallocatedAfter <= 50.005)
    }

    /// Taxable holds A at a loss (10 sh, basis $1,500: −$50/sh, long-term); the IRA holds
    /// $1,000 cash. Target 50/50 of $2,000: A is on target, B $1,000 under.
    static let washSale = """
        asOf: 2026-11-20
        prices: {A: 100, B: 100}
        pie: {slices: [{symbol: A, weight: 50}, {symbol: B, weight: 50}]}
        accounts:
          - id: t
            type: taxable
            lots: [{symbol: A, shares: 10, costBasis: 1500, acquired: 2020-01-01}]
          - id: ira
            type: taxDeferred
            cash: 1000
        """

    @Test func theWashSaleGuardForbidsHarvestingWhileBuyingBack() throws {
        // Without the guard the cheapest D = 0 plan harvests: sell A in t (LotTax −$75), buy B
        // in t, buy A in the IRA. The guard forbids buying A while selling its loss lot, and
        // D = 0 needs $1,000 of A, so the optimum keeps the lot: the IRA buys $1,000 of B.
        let r = try report(household(Self.washSale), "full")
        #expect(r.status == .optimal)
        #expect(close(r.summary.misallocatedAfter, 0))
        #expect(r.trade("t", "A", .sell) == nil)
        #expect(r.trade("ira", "A", .buy) == nil)
        #expect(close(r.amount("ira", "B", .buy), 1000))
        #expect(close(r.summary.lotTax, 0))
    }

    @Test func aRecentPurchaseDisallowsTheLoss() throws {
        // The IRA bought 1 share of A 10 days ago: the taxable loss lot gets rate 0, so selling
        // it saves nothing. I = 2,100, targets $1,050: A is $50 over, B $1,050 under. D = 0
        // needs $50 of A sold (from either account, tax 0 both ways) and $1,050 of B bought.
        let h = try household(Self.washSale + "\n    lots: [{symbol: A, shares: 1, costBasis: 100, acquired: 2026-11-10}]")
        let loss = try #require(h.lots.first { $0.isTaxable })
        #expect(loss.isLookBack)
        #expect(loss.rate == 0)
        let r = try report(h, "full")
        #expect(close(r.summary.misallocatedAfter, 0))
        #expect(close(r.summary.lotTax, 0))
        #expect(close(r.amount("t", "B", .buy) + r.amount("ira", "B", .buy), 1050))
        #expect(r.trades.allSatisfy { !($0.symbol == "A" && $0.action == .buy) })
        // A loss sold from the taxable lot is disallowed: it adds no tax benefit.
        #expect(close(r.summary.estimatedTax, 0))
    }

    @Test func anAccountWithItsOwnPieRebalancesAlone() throws {
        // The Roth (own pie: 100% C) holds $500 of A: sell it all and buy C, tax-free. The
        // taxable account is on its own target (100% A) and does nothing.
        let yaml = """
            asOf: 2026-11-20
            prices: {A: 100, C: 50}
            pie: {slices: [{symbol: A, weight: 100}]}
            accounts:
              - id: t
                type: taxable
                lots: [{symbol: A, shares: 3, costBasis: 600, acquired: 2020-01-01}]
              - id: roth
                type: taxExempt
                pie: {slices: [{symbol: C, weight: 100}]}
                lots: [{symbol: A, shares: 5, costBasis: 100, acquired: 2026-06-01}]
            """
        let r = try report(household(yaml), "full")
        #expect(close(r.summary.misallocatedAfter, 0))
        #expect(close(r.amount("roth", "A", .sell), 500))
        #expect(close(r.amount("roth", "C", .buy), 500))
        #expect(r.trades.allSatisfy { $0.account == "roth" })
        #expect(close(r.summary.lotTax, 0))
        #expect(close(r.summary.estimatedTax, 0))
    }

    @Test(arguments: ["cash-only", "full", "tax-aware", "band:5"])
    func aWithdrawalIsRaisedAndMinCashKept(strategy: String) throws {
        // cash 100 − 500 withdrawn + 1000 of A − minCash 100: I = 500 = the whole target.
        // Every strategy must sell $500 of A (5 shares, no gain) and keep $100 of cash.
        let yaml = """
            asOf: 2026-11-20
            prices: {A: 100}
            pie: {slices: [{symbol: A, weight: 100}]}
            accounts:
              - id: t
                type: taxable
                cash: 100
                flow: -500
                minCash: 100
                lots: [{symbol: A, shares: 10, costBasis: 1000, acquired: 2020-01-01}]
            """
        let r = try report(household(yaml), strategy)
        #expect(r.status == .optimal)
        #expect(close(r.trade("t", "A", .sell)?.shares ?? 0, 5, within: 1e-6))
        #expect(close(r.summary.cashAfter[0].amount, 100))
        #expect(close(r.summary.misallocatedAfter, 0))
    }
}

import Foundation
import Testing

@testable import Rebalancing

// `recentSales` (docs/scenario-format.md, docs/strategies.md, docs/output.md): read with field-path messages, a blocked identical group
// bought by no strategy or baseline, checked by the verifier, and a `blocked` note on every plan.

private func recentSalesYAML(_ sales: String, asOf: String = "2026-11-20") -> String {
    """
    asOf: \(asOf)
    prices: {VTI: 100, VEA: 50}
    pie: {slices: [{symbol: VTI, weight: 60}, {symbol: VEA, weight: 40}]}
    accounts:
      - id: brokerage
        type: taxable
        cash: 1000
        lots: [{symbol: VTI, shares: 10, costBasis: 800, acquired: 2020-01-02}]
    recentSales: \(sales)
    """
}

@Suite struct RecentSalesTests {
    @Test func aSaleTenDaysAgoIsReadAndBlocksUntilThirtyOneDaysAfterIt() throws {
        let h = try household(recentSalesYAML("[{account: brokerage, symbol: VEA, shares: 5, loss: 100, sold: 2026-11-10}]"))
        #expect(h.scenario.recentSales == [RecentSale(account: "brokerage", symbol: "VEA", shares: 5, loss: 100, sold: Day("2026-11-10")!)])
        // 2026-11-10 + 31 days: 20 days to 30 November, 11 more to 11 December.
        #expect(h.scenario.blocks == [Block(symbol: "VEA", members: ["VEA"], until: Day("2026-12-11")!)])
        #expect(h.blockedSymbols == [h.symbols.firstIndex(of: "VEA")!])
    }

    @Test func theWindowIsThirtyDays() throws {
        // Sold 30 days before asOf: accepted, and still blocked today (until = asOf + 1).
        let h = try household(recentSalesYAML("[{account: brokerage, symbol: VEA, shares: 5, loss: 100, sold: 2026-10-21}]"))
        #expect(h.scenario.blocks.map(\.until) == [Day("2026-11-21")!])
        // 31 and 40 days before: refused, with the field path and the first day allowed.
        for (sold, age) in [("2026-10-20", 31), ("2026-10-11", 40)] {
            let lines = issueLines(
                recentSalesYAML("[{account: brokerage, symbol: VEA, shares: 5, loss: 100, sold: \(sold)}]"))
            #expect(
                lines == [
                    "s.yaml: recentSales[0].sold: \(sold) is \(age) days before asOf 2026-11-20; list only sales of "
                        + "the 30 days before it (from 2026-10-21)"
                ])
        }
    }

    @Test func everyBadFieldIsReportedWithItsPath() {
        let lines = issueLines(
            recentSalesYAML(
                """
                [{account: ira, symbol: VEA, shares: 0, loss: -5, sold: 2026-11-10},
                 {account: brokerage, symbol: VEA, shares: 1, loss: 1, sold: 2026-11-21},
                 {account: brokerage, symbol: VEA, shares: 1, loss: 1, sold: 2026-11-31},
                 {account: brokerage, shares: 1, loss: 1, sold: 2026-11-01, colour: red},
                 {account: brokerage, symbol: VEA, shares: 2, loss: 10, sold: 2026-11-02}]
                """))
        #expect(
            Set(lines) == [
                "s.yaml: recentSales[0].shares: must be > 0, got 0",
                "s.yaml: recentSales[0].loss: must be ≥ 0, got -5",
                "s.yaml: recentSales[1].sold: 2026-11-21 is after asOf 2026-11-20",
                "s.yaml: recentSales[2].sold: must be a date written YYYY-MM-DD, got \"2026-11-31\"",
                "s.yaml: recentSales[3].colour: unknown key; expected one of account, symbol, shares, loss, sold",
                "s.yaml: recentSales[3].symbol: is required",
            ])
        // The unknown account is reported once the fields read (here: the only problem).
        let unknown = issueLines(
            recentSalesYAML("[{account: ira, symbol: VEA, shares: 1, loss: 1, sold: 2026-11-10}]"))
        #expect(unknown == ["s.yaml: recentSales[0].account: no account \"ira\" in accounts (they are \"brokerage\")"])
    }

    @Test func aSoldSymbolNeedsNoPrice() throws {
        // Sold and gone: neither held nor targeted, so nothing could buy it and it needs no price.
        let h = try household(recentSalesYAML("[{account: brokerage, symbol: EFA, shares: 5, loss: 100, sold: 2026-11-10}]"))
        #expect(h.blockedSymbols.isEmpty)
        let r = try report(h, "full")
        #expect(r.notes == [.blocked(symbol: "EFA", until: Day("2026-12-11")!)])
    }

    /// V = cash 1000 + VTI 10 × 100 = 2000; targets VTI 1200, VEA 800. VEA is blocked, so its
    /// deviation stays −800 whatever the plan; with y dollars of VTI bought (0 ≤ y ≤ 1000, no
    /// sale helps), D = ½(|1000 + y − 1200| + 800 + (1000 − y)) ≥ ½(800 + 800) = 800, reached
    /// for every y ≥ 200; selling VTI (a gain) only adds tax, and least turnover picks y = 200.
    /// Drift after = 800 / 2000 = 0.4. Unblocked, `full` would buy VEA 800 and VTI 200 (drift 0).
    /// `band:5` first minimizes D_β = ½(max(0, |y − 200| − 100) + (800 − 100) + (1000 − y)) =
    /// 700 for every y ≥ 300, then D (800 for y ≥ 200), then turnover: it buys VTI 300.
    @Test func aBlockLeavesTheSliceUnderweightInEveryStrategyAndBaseline() throws {
        let h = try household(recentSalesYAML("[{account: brokerage, symbol: VEA, shares: 5, loss: 100, sold: 2026-11-10}]"))
        for strategy in ["cash-only", "full", "tax-aware:0.10", "band:5", "tax-budget:0", "fifo", "m1"] {
            let r = try report(h, strategy)
            #expect(r.status.isOptimal, "\(strategy)")
            #expect(r.amount("brokerage", "VEA", .buy) == 0, "\(strategy) buys the blocked VEA")
            #expect(r.notes == [.blocked(symbol: "VEA", until: Day("2026-12-11")!)], "\(strategy)")
            #expect(r.json.serialized().contains(#""notes":[{"kind":"blocked","symbol":"VEA","until":"2026-12-11"}]"#))
            #expect(close(r.amount("brokerage", "VTI", .buy), strategy == "band:5" ? 300 : 200), "\(strategy)")
            #expect(close(r.summary.misallocatedAfter, 800), "\(strategy)")
            #expect(close(r.summary.driftAfter, 0.4, within: 1e-6), "\(strategy)")
        }
        let unblocked = try household(recentSalesYAML("[]"))
        let full = try report(unblocked, "full")
        #expect(close(full.amount("brokerage", "VEA", .buy), 800))
        #expect(close(full.summary.misallocatedAfter, 0))
        #expect(full.notes.isEmpty)
        #expect(full.json.serialized().contains(#""notes":[]"#))
    }

    @Test func theVerifierRefusesABlockedPurchase() throws {
        let h = try household(recentSalesYAML("[{account: brokerage, symbol: VEA, shares: 5, loss: 100, sold: 2026-11-10}]"))
        let vea = h.symbols.firstIndex(of: "VEA")!
        let plan = Plan(
            strategy: try Strategy(parsing: "full"), status: .optimal, sharesSold: [0],
            purchases: [Plan.Purchase(account: 0, symbol: vea, amount: 500)])
        #expect(
            PlanVerifier(h).violations(of: plan) == [
                "brokerage: buys VEA, which a recent loss sale blocks until 2026-12-11"
            ])
    }

    @Test func addingDaysCrossesMonthsYearsAndLeapDays() {
        #expect(Day("2026-11-10")!.adding(days: 31) == Day("2026-12-11"))
        #expect(Day("2026-12-15")!.adding(days: 31) == Day("2027-01-15"))
        #expect(Day("2028-02-10")!.adding(days: 31) == Day("2028-03-12"))  // 2028 is a leap year
        #expect(Day("2026-11-20")!.adding(days: -30) == Day("2026-10-21"))
    }
}

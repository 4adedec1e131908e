import Foundation
import Testing

@testable import Rebalancing

// `doNotSell` lots and `canBuy` menus (docs/scenario-format.md, docs/strategies.md): read with field-path messages, honoured by
// every strategy and baseline, checked by the verifier.

private func doNotSellYAML(flow: Double = 0, marked: Bool = true) -> String {
    """
    asOf: 2026-11-20
    prices: {VTI: 100, BND: 50}
    pie: {slices: [{symbol: VTI, weight: 50}, {symbol: BND, weight: 50}]}
    accounts:
      - id: brokerage
        type: taxable
        flow: \(flow)
        lots:
          - {id: keep, symbol: VTI, shares: 20, costBasis: 1000, acquired: 2020-01-02, doNotSell: \(marked)}
          - {id: free, symbol: VTI, shares: 10, costBasis: 1000, acquired: 2021-01-04}
    """
}

private func menuYAML(canBuy: String?) -> String {
    """
    asOf: 2026-11-20
    prices: {VTI: 100, BND: 50}
    pie: {slices: [{symbol: VTI, weight: 50}, {symbol: BND, weight: 50}]}
    accounts:
      - {id: brokerage, type: taxable, cash: 500}
      - {id: 401k, type: taxDeferred, cash: 1500\(canBuy.map { ", canBuy: \($0)" } ?? "")}
    """
}

@Suite struct MenuAndDoNotSellTests {
    @Test func theKeysAreRead() throws {
        let h = try household(doNotSellYAML())
        #expect(h.scenario.accounts[0].lots.map(\.doNotSell) == [true, false])
        #expect(h.lots.map(\.doNotSell) == [true, false])
        let m = try household(menuYAML(canBuy: "[BND]"))
        #expect(m.scenario.accounts.map(\.canBuy) == [nil, ["BND"]])
    }

    /// V = 20×100 + 10×100 = 3,000, targets VTI 1,500 and BND 1,500. Only the `free` lot (worth
    /// 1,000, basis 1,000: no gain) may be sold, so with v dollars of it sold and y of BND bought
    /// (y ≤ v ≤ 1,000): D = ½(|1,500 − v| + |y − 1,500| + (v − y)), least at v = y = 1,000:
    /// D = ½(500 + 500) = 500, drift 500 / 3,000. Every strategy and baseline reaches it (the sale
    /// has no gain, so no tax stage prefers anything else; band:5's D_β is least there too).
    /// Unmarked, `full` reaches D = 0 by also selling $500 of `keep` (a $250 long-term gain).
    @Test func aDoNotSellLotIsNeverSold() throws {
        let h = try household(doNotSellYAML())
        for strategy in ["cash-only", "full", "tax-aware:0.10", "band:5", "tax-budget:0", "fifo", "m1"] {
            let r = try report(h, strategy)
            #expect(r.status.isOptimal, "\(strategy)")
            #expect(r.plan.sharesSold[0] == 0, "\(strategy) sells the doNotSell lot")
            #expect(PlanVerifier(h).violations(of: r.plan) == [], "\(strategy)")
            if strategy == "cash-only" {
                #expect(r.trades.isEmpty)  // no cash, no flow: nothing to do
                continue
            }
            #expect(close(r.amount("brokerage", "VTI", .sell), 1000), "\(strategy)")
            #expect(close(r.amount("brokerage", "BND", .buy), 1000), "\(strategy)")
            #expect(close(r.summary.misallocatedAfter, 500), "\(strategy)")
            #expect(close(r.summary.driftAfter, 500.0 / 3000, within: 1e-6), "\(strategy)")
        }
        let unmarked = try report(try household(doNotSellYAML(marked: false)), "full")
        #expect(close(unmarked.summary.misallocatedAfter, 0))
        #expect(close(unmarked.plan.sharesSold[0], 5, within: 1e-6))  // $500 of keep: gain 5 × 50 = 250
        #expect(close(unmarked.summary.realizedLongTerm, 250))
    }

    /// A withdrawal of 800: I = 2,200, targets 1,100 each. Only `free` (1,000) may be sold:
    /// v ≤ 1,000 and y ≤ v − 800, so D = ½(|1,900 − v| + |y − 1,100| + (v − 800 − y)) is least at
    /// v = 1,000, y = 200: D = ½(900 + 900) = 900. cash-only may sell only the 800 it must:
    /// v = 800, y = 0, D = ½(1,100 + 1,100) = 1,100.
    @Test func aWithdrawalIsRaisedFromTheOtherLots() throws {
        let h = try household(doNotSellYAML(flow: -800))
        for (strategy, sold, bought, d) in [
            ("full", 1000.0, 200.0, 900.0), ("cash-only", 800, 0, 1100), ("fifo", 1000, 200, 900), ("m1", 1000, 200, 900),
        ] {
            let r = try report(h, strategy)
            #expect(r.status.isOptimal, "\(strategy)")
            #expect(r.plan.sharesSold[0] == 0, "\(strategy) sells the doNotSell lot")
            #expect(close(r.amount("brokerage", "VTI", .sell), sold), "\(strategy)")
            #expect(close(r.amount("brokerage", "BND", .buy), bought), "\(strategy)")
            #expect(close(r.summary.misallocatedAfter, d), "\(strategy)")
        }
    }

    /// Cash 0 + lots it may sell 1,000 < a withdrawal of 2,500, although all its lots (3,000) would do.
    @Test func aWithdrawalOnlyDoNotSellLotsCouldRaiseIsRefused() throws {
        #expect(
            issueLines(doNotSellYAML(flow: -2500)) == [
                "s.yaml: accounts[0].flow: the withdrawal of $2,500.00 is more than account brokerage can raise: "
                    + "cash $0.00 + holdings it may sell $1,000.00 − minCash $0.00 = $1,000.00 "
                    + "($2,000.00 more is in lots marked doNotSell)"
            ])
        _ = try household(doNotSellYAML(flow: -2500, marked: false))
    }

    /// V = 500 + 1,500 = 2,000, targets VTI 1,000 and BND 1,000. The 401k may buy only BND: at
    /// best the brokerage buys VTI 500 and BND reaches 1,000, leaving VTI 500 short and 500 cash
    /// somewhere: D = ½(500 + 0 + 500) = 500 whether the 401k buys BND 1,000 or 1,500 (then BND is
    /// 500 over instead); least turnover (and harvest, as trading costs) picks 1,000.
    /// Without the menu D = 0, and the 401k must buy at least 500 of VTI (the brokerage has only 500).
    @Test func aMenuKeepsTheAccountToItsFunds() throws {
        let h = try household(menuYAML(canBuy: "[BND]"))
        for strategy in ["cash-only", "full", "tax-aware:0.10", "band:5", "tax-budget:0", "fifo", "m1"] {
            let r = try report(h, strategy)
            #expect(r.status.isOptimal, "\(strategy)")
            #expect(r.amount("401k", "VTI", .buy) == 0, "\(strategy) buys VTI in the 401k")
            #expect(PlanVerifier(h).violations(of: r.plan) == [], "\(strategy)")
            if ["cash-only", "full", "tax-aware:0.10", "tax-budget:0", "fifo"].contains(strategy) {
                #expect(close(r.amount("401k", "BND", .buy), 1000), "\(strategy)")
                #expect(close(r.amount("brokerage", "VTI", .buy), 500), "\(strategy)")
                #expect(close(r.summary.misallocatedAfter, 500), "\(strategy)")
            }
        }
        let free = try report(try household(menuYAML(canBuy: nil)), "full")
        #expect(free.amount("401k", "VTI", .buy) >= 500 - 0.005)
        #expect(close(free.amount("401k", "VTI", .buy) + free.amount("brokerage", "VTI", .buy), 1000))
        #expect(close(free.summary.misallocatedAfter, 0))
    }

    @Test func theVerifierChecksBoth() throws {
        let h = try household(doNotSellYAML())
        let full = try Strategy(parsing: "full")
        let selling = Plan(strategy: full, status: .optimal, sharesSold: [1, 0], purchases: [])
        #expect(PlanVerifier(h).violations(of: selling) == ["brokerage lot 0 (VTI): sells 1.0 shares of a lot marked doNotSell"])
        let m = try household(menuYAML(canBuy: "[BND]"))
        let vti = m.symbols.firstIndex(of: "VTI")!
        let buying = Plan(strategy: full, status: .optimal, sharesSold: [], purchases: [.init(account: 1, symbol: vti, amount: 100)])
        #expect(PlanVerifier(m).violations(of: buying) == ["401k: buys VTI, which is not in its canBuy list"])
    }

    @Test func badValuesAreReportedWithTheirPaths() {
        let lines = issueLines(
            menuYAML(canBuy: "[BND, FXAIX, BND]").replacingOccurrences(
                of: "cash: 500}", with: "cash: 500, lots: [{symbol: VTI, shares: 1, costBasis: 1, acquired: 2020-01-02, doNotSell: yes please}]}"))
        #expect(
            Set(lines) == [
                "s.yaml: accounts[1].canBuy[2]: BND is listed twice",
                "s.yaml: accounts[1].canBuy[1]: no price for \"FXAIX\" in prices",
                "s.yaml: accounts[0].lots[0].doNotSell: must be true or false, got a string",
            ])
    }
}

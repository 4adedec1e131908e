import Foundation
import Testing

@testable import Rebalancing

// `washSale.identical` (docs/scenario-format.md, docs/strategies.md): the wash-sale guard, the look-back, recent-sale blocks and
// doNotRebuyUntil notes act on a whole group of substantially identical symbols.

private func identicalYAML(identical: Bool, extraLots: String = "", recentSales: String = "[]") -> String {
    """
    asOf: 2026-11-20
    \(identical ? "washSale: {identical: [[VOO, IVV], [VTI, ITOT]]}" : "")
    prices: {VOO: 100, IVV: 100}
    pie: {slices: [{symbol: IVV, weight: 100}]}
    recentSales: \(recentSales)
    accounts:
      - id: brokerage
        type: taxable
        cash: 1000
        lots:
          - {symbol: VOO, shares: 10, costBasis: 1500, acquired: 2020-01-02}\(extraLots)
    """
}

@Suite struct IdenticalGroupsTests {
    @Test func groupsAreRead() throws {
        let h = try household(identicalYAML(identical: true))
        #expect(h.scenario.identicalGroups == [["VOO", "IVV"], ["VTI", "ITOT"]])
        #expect(h.scenario.identicalGroup(of: "IVV") == ["IVV", "VOO"])
        #expect(h.scenario.identicalGroup(of: "BND") == ["BND"])
        #expect(h.identicalKey == [0, 0])  // IVV, VOO: one group, named by IVV
        #expect(try household(identicalYAML(identical: false)).identicalKey == [0, 1])
    }

    /// V = cash 1,000 + VOO 10 × 100 = 2,000, all targeted at IVV. The VOO lot is a long-term
    /// loss of 1,500 − 1,000 = 500.
    /// - Not identical: `full` sells VOO and buys IVV 2,000: D = 0; the loss is this year's tax
    ///   saving: S = 0, L = −500, so T = −0.35 × min(3,000, 500) = −175.
    /// - Identical: buying IVV forbids selling the VOO loss. Buying y of IVV with VOO kept:
    ///   D = ½(|y − 2,000| + 1,000 + (1,000 − y)), least at y = 1,000: D = 1,000. Selling v of VOO
    ///   and buying nothing: D = ½(2,000 + (1,000 − v) + (1,000 + v)) = 2,000. So `full` keeps VOO
    ///   and buys IVV 1,000 (drift 0.5, no tax). fifo follows full; m1 does the same (its IVV
    ///   purchase keeps the VOO loss unsold); cash-only never sells here.
    @Test func sellingVOOAtALossWhileBuyingIVVIsAWashSaleOnlyWhenIdentical() throws {
        let separate = try household(identicalYAML(identical: false))
        for strategy in ["full", "fifo", "m1"] {
            let r = try report(separate, strategy)
            #expect(close(r.amount("brokerage", "VOO", .sell), 1000), "\(strategy)")
            #expect(close(r.amount("brokerage", "IVV", .buy), 2000), "\(strategy)")
            #expect(close(r.summary.misallocatedAfter, 0), "\(strategy)")
            #expect(close(r.summary.estimatedTax, -175), "\(strategy)")
            #expect(r.notes == [.doNotRebuyUntil(symbol: "VOO", group: ["VOO"], until: Day("2026-12-21")!)], "\(strategy)")
        }
        let identical = try household(identicalYAML(identical: true))
        for strategy in ["cash-only", "full", "fifo", "m1"] {
            let r = try report(identical, strategy)
            #expect(r.status.isOptimal, "\(strategy)")
            #expect(r.amount("brokerage", "VOO", .sell) == 0, "\(strategy)")
            #expect(close(r.amount("brokerage", "IVV", .buy), 1000), "\(strategy)")
            #expect(close(r.summary.misallocatedAfter, 1000), "\(strategy)")
            #expect(close(r.summary.driftAfter, 0.5, within: 1e-6), "\(strategy)")
            #expect(r.notes.isEmpty, "\(strategy)")
        }
        // No strategy both buys IVV and sells the VOO loss, and the verifier agrees with each.
        for strategy in ["tax-aware:0.10", "band:5", "tax-budget:0"] {
            let r = try report(identical, strategy)
            #expect(r.status.isOptimal, "\(strategy)")
            #expect(r.amount("brokerage", "VOO", .sell) == 0 || r.amount("brokerage", "IVV", .buy) == 0, "\(strategy)")
            #expect(PlanVerifier(identical).violations(of: r.plan) == [], "\(strategy)")
        }
    }

    /// tax-aware:0.10 weighs 0.1·D + Tax: keeping VOO and buying IVV 1,000 costs 0.1 × 1,000 = 100;
    /// selling all of VOO to cash costs 0.1 × 2,000 − 175 = 25. It sells, buys nothing, and the
    /// note not to rebuy names the whole group.
    @Test func theNoteNamesTheGroup() throws {
        let r = try report(try household(identicalYAML(identical: true)), "tax-aware:0.10")
        #expect(close(r.amount("brokerage", "VOO", .sell), 1000))
        #expect(r.amount("brokerage", "IVV", .buy) == 0)
        #expect(close(r.summary.estimatedTax, -175))
        #expect(r.notes == [.doNotRebuyUntil(symbol: "VOO", group: ["IVV", "VOO"], until: Day("2026-12-21")!)])
    }

    @Test func theVerifierChecksTheGroup() throws {
        let h = try household(identicalYAML(identical: true))
        let ivv = h.symbols.firstIndex(of: "IVV")!
        let plan = Plan(
            strategy: try Strategy(parsing: "full"), status: .optimal, sharesSold: [10],
            purchases: [Plan.Purchase(account: 0, symbol: ivv, amount: 2000)])
        #expect(
            PlanVerifier(h).violations(of: plan) == [
                "wash sale: IVV is bought while a taxable lot of VOO, identical to it, is sold at a loss"
            ])
        let separate = try household(identicalYAML(identical: false))
        #expect(PlanVerifier(separate).violations(of: plan) == [])
    }

    /// An IVV lot bought 10 days before asOf catches the VOO loss lot only when they are identical.
    @Test func theLookBackCountsTheGroup() throws {
        let recent = "\n      - {symbol: IVV, shares: 1, costBasis: 100, acquired: 2026-11-10}"
        let voo = { (h: Household) in h.lots.first { h.symbols[$0.symbol] == "VOO" }! }
        #expect(voo(try household(identicalYAML(identical: true, extraLots: recent))).isLookBack)
        #expect(!voo(try household(identicalYAML(identical: false, extraLots: recent))).isLookBack)
    }

    /// A VOO loss sold 10 days ago blocks IVV too when they are identical: nothing is bought,
    /// D = ½(2,000 (IVV) + 1,000 (VOO) + 1,000 (cash)) = 2,000 at best less what selling VOO
    /// changes: ½(2,000 + (1,000 − v) + (1,000 + v)) = 2,000 for every v.
    @Test func aRecentSaleBlocksTheGroup() throws {
        let sale = "[{account: brokerage, symbol: VOO, shares: 5, loss: 100, sold: 2026-11-10}]"
        let h = try household(identicalYAML(identical: true, recentSales: sale))
        #expect(h.scenario.blocks == [Block(symbol: "VOO", members: ["IVV", "VOO"], until: Day("2026-12-11")!)])
        #expect(h.blockedSymbols == Set([0, 1]))
        for strategy in ["cash-only", "full", "tax-aware:0.10", "band:5", "fifo", "m1"] {
            let r = try report(h, strategy)
            #expect(r.status.isOptimal, "\(strategy)")
            #expect(r.amount("brokerage", "IVV", .buy) == 0, "\(strategy)")
            #expect(close(r.summary.misallocatedAfter, 2000), "\(strategy)")
        }
        let separate = try household(identicalYAML(identical: false, recentSales: sale))
        #expect(close(try report(separate, "full").amount("brokerage", "IVV", .buy), 2000))
    }

    @Test func aSymbolInTwoGroupsIsRefused() {
        let text = identicalYAML(identical: false).replacingOccurrences(
            of: "prices:", with: "washSale: {identical: [[VOO, IVV], [SPY, VOO]], similar: []}\nprices:")
        #expect(
            Set(issueLines(text)) == [
                "s.yaml: washSale.identical[1][1]: VOO is already in washSale.identical[0]; a symbol may be in one identical group only",
                "s.yaml: washSale.similar: unknown key; expected one of identical",
            ])
    }
}

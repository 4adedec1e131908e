import Foundation
import Testing

@testable import Rebalancing

// Classes (docs/scenario-format.md, docs/strategies.md): a leaf's alternates fill its target, purchases may go to any member.
// Each case is worked by hand; every plan is also checked by the verifier, whose drift per class
// is recomputed from the scenario.

private let everyStrategy = ["cash-only", "full", "tax-aware:0.10", "band:5", "tax-budget:0", "fifo", "m1"]

private func checked(_ h: Household, _ strategy: String) throws -> PlanReport {
    let r = try report(h, strategy)
    #expect(r.status.isOptimal, "\(strategy): \(r.status)")
    #expect(PlanVerifier(h).violations(of: r.plan) == [], "\(strategy)")
    #expect(close(PlanVerifier(h).misallocation(of: r.plan), r.summary.misallocatedAfter, within: 1e-6), "\(strategy)")
    return r
}

@Suite struct AlternatesTests {
    /// scenarios/harvest-into-alternate.yaml: V = VTI 60,000 + VXUS 30,000 (200 sh long-term at a
    /// $4,000 gain, lot T-0230 300 sh short-term at a $6,000 loss) + BND 10,000 = 100,000, exactly
    /// on its 60/30/10 target; IXUS is VXUS's alternate.
    /// - D: 0 already, and every later stage holds it: whatever VXUS sells, IXUS must buy back.
    /// - Tax: selling v dollars of T-0230 realizes v/3 of short-term loss; T = −0.35·min(3,000,
    ///   v/3) is least (−1,050) for v ≥ 9,000; the gain lot would only add tax.
    /// - Harvest: LotTax + 0.001·Turn = 0.35·(−v/3) + 0.001·2v = −0.11467·v, least at v = 18,000
    ///   (the whole lot): −2,100 + 36 = −2,064.
    /// So full sells all of T-0230, buys $18,000 of IXUS (257.142857 sh at $70), drift 0,
    /// estimated tax −1,050, lot tax −2,100, $3,000 short-term carried forward, and a note not to
    /// rebuy VXUS before asOf + 31 days. tax-aware and band see the same optimum.
    @Test func theBundledHarvestScenarioSwapsTheWholeLossIntoIXUS() throws {
        let h = Household(try ScenarioLoader.load(path: bundledScenarioPath("harvest-into-alternate.yaml")))
        for strategy in ["full", "tax-aware:0.10", "band:5"] {
            let r = try checked(h, strategy)
            let sell = try #require(r.trade("brokerage", "VXUS", .sell), "\(strategy)")
            #expect(sell.lots.map(\.id) == ["T-0230"] && close(sell.shares, 300), "\(strategy)")
            #expect(close(r.amount("brokerage", "IXUS", .buy), 18000), "\(strategy)")
            #expect(r.trades.count == 2, "\(strategy)")
            #expect(close(r.summary.misallocatedAfter, 0), "\(strategy)")
            #expect(close(r.summary.estimatedTax, -1050), "\(strategy)")
            #expect(close(r.summary.lotTax, -2100), "\(strategy)")
            let harvest = r.summary.lotTax + h.scenario.tax.tradingCost * r.summary.turnover
            #expect(close(harvest, -2064), "\(strategy): Harvest \(harvest)")
            #expect(close(r.summary.tax.carryforwardAfter.shortTerm, 3000), "\(strategy)")
            #expect(r.notes == [.doNotRebuyUntil(symbol: "VXUS", group: ["VXUS"], until: Day("2026-12-21")!)], "\(strategy)")
        }
        // Without IXUS as an alternate the loss could only go to cash or to an off-target fund,
        // which drift forbids: full trades nothing.
        let text = try String(contentsOfFile: bundledScenarioPath("harvest-into-alternate.yaml"), encoding: .utf8)
        let plain = try household(text.replacingOccurrences(of: ", alternates: [IXUS]", with: ""))
        #expect(try checked(plain, "full").trades.isEmpty)
    }

    /// scenarios/401k-menu.yaml: V = brokerage (VTI 30,000 + VXUS 12,500) + 401k (6,000 deposit +
    /// FXAIX 20,000 + FTIHX 9,000) = 77,500; targets US 46,500, international 19,375, bonds
    /// 11,625. The 401k may buy only FXAIX, FTIHX, FXNAX, alternates of VTI, VXUS and BND. D = 0 is
    /// reachable in the 401k alone at no tax: sell FXAIX 50,000 − 46,500 = 3,500 and FTIHX
    /// 21,500 − 19,375 = 2,125, buy FXNAX 6,000 + 3,500 + 2,125 = 11,625; any sale in the
    /// brokerage realizes a gain, so Tax = 0 rules it out, and least turnover leaves no other trade.
    @Test func theBundledMenuScenarioFillsTheSlicesWithTheMenuFunds() throws {
        let h = Household(try ScenarioLoader.load(path: bundledScenarioPath("401k-menu.yaml")))
        let r = try checked(h, "full")
        #expect(close(r.amount("401k", "FXAIX", .sell), 3500))
        #expect(close(r.amount("401k", "FTIHX", .sell), 2125))
        #expect(close(r.amount("401k", "FXNAX", .buy), 11625))
        #expect(r.trades.count == 3)
        #expect(close(r.summary.misallocatedAfter, 0))
        #expect(close(r.summary.estimatedTax, 0))
        // m1 holds the pie in each account: the 401k (35,000: targets 21,000 / 8,750 / 5,250)
        // sells FTIHX 250 and buys the US slice as FXAIX (VTI is off its menu) 1,000 and bonds as
        // FXNAX 5,250.
        let m1 = try checked(h, "m1")
        #expect(close(m1.amount("401k", "FTIHX", .sell), 250))
        #expect(close(m1.amount("401k", "FXAIX", .buy), 1000))
        #expect(close(m1.amount("401k", "FXNAX", .buy), 5250))
        #expect(m1.amount("401k", "VTI", .buy) == 0 && m1.amount("401k", "BND", .buy) == 0)
    }

    /// A 401k with $1,000 whose menu has only FXAIX. With FXAIX as VTI's alternate every strategy
    /// buys FXAIX 1,000: D = ½(|1,000 − 1,000| + 0) = 0. Without it nothing may be bought:
    /// D = ½(|0 − 1,000| + 1,000) = 1,000, drift 1.
    @Test func aMenuForcesTheAlternate() throws {
        let yaml = """
            asOf: 2026-11-20
            prices: {VTI: 100, FXAIX: 50}
            pie: {slices: [{symbol: VTI, weight: 100, alternates: [FXAIX]}]}
            accounts:
              - {id: 401k, type: taxDeferred, cash: 1000, canBuy: [FXAIX]}
            """
        let h = try household(yaml)
        for strategy in everyStrategy {
            let r = try checked(h, strategy)
            #expect(close(r.amount("401k", "FXAIX", .buy), 1000), "\(strategy)")
            #expect(r.amount("401k", "VTI", .buy) == 0, "\(strategy)")
            #expect(close(r.summary.misallocatedAfter, 0), "\(strategy)")
        }
        let without = try household(yaml.replacingOccurrences(of: ", alternates: [FXAIX]", with: ""))
        for strategy in everyStrategy {
            let r = try checked(without, strategy)
            #expect(r.trades.isEmpty, "\(strategy)")
            #expect(close(r.summary.driftAfter, 1, within: 1e-9), "\(strategy)")
        }
    }

    /// VOO held at a long-term loss of 500 (10 sh, basis 1,500, price 100), IVV its alternate.
    /// - Not identical: full swaps: sells VOO 1,000 and buys IVV 1,000. D = 0; Tax: L = −500,
    ///   T = −0.35 × 500 = −175; Harvest = 0.15 × (−500) + 0.001 × 2,000 = −73 (selling less
    ///   raises both). The note names VOO alone.
    /// - Identical ([[VOO, IVV]]): buying IVV while selling the VOO loss is a wash sale. D = 0 needs
    ///   the class held, so nothing that sells VOO can buy IVV: full, band, cash-only and the
    ///   baselines trade nothing. tax-aware:0.10 weighs 0.1·D + Tax: selling VOO to cash costs
    ///   0.1 × ½(1,000 + 1,000) − 175 = −75 < 0 (keeping it costs 0), so it sells and buys nothing.
    @Test func anIdenticalPairMakesTheSwapAWashSale() throws {
        let yaml = """
            asOf: 2026-11-20
            prices: {VOO: 100, IVV: 100}
            pie: {slices: [{symbol: VOO, weight: 100, alternates: [IVV]}]}
            accounts:
              - id: b
                type: taxable
                lots: [{symbol: VOO, shares: 10, costBasis: 1500, acquired: 2020-01-02}]
            """
        let swap = try checked(try household(yaml), "full")
        #expect(close(swap.amount("b", "VOO", .sell), 1000))
        #expect(close(swap.amount("b", "IVV", .buy), 1000))
        #expect(close(swap.summary.misallocatedAfter, 0))
        #expect(close(swap.summary.estimatedTax, -175))
        #expect(close(swap.summary.lotTax + 0.001 * swap.summary.turnover, -73))
        #expect(swap.notes == [.doNotRebuyUntil(symbol: "VOO", group: ["VOO"], until: Day("2026-12-21")!)])

        let identical = try household("washSale: {identical: [[VOO, IVV]]}\n" + yaml)
        for strategy in ["cash-only", "full", "band:5", "tax-budget:0", "fifo", "m1"] {
            let r = try checked(identical, strategy)
            #expect(r.trades.isEmpty, "\(strategy)")
            #expect(close(r.summary.misallocatedAfter, 0), "\(strategy)")
        }
        let taxAware = try checked(identical, "tax-aware:0.10")
        #expect(close(taxAware.amount("b", "VOO", .sell), 1000))
        #expect(taxAware.amount("b", "IVV", .buy) == 0)
        #expect(close(taxAware.summary.estimatedTax, -175))
        #expect(taxAware.notes == [.doNotRebuyUntil(symbol: "VOO", group: ["IVV", "VOO"], until: Day("2026-12-21")!)])
    }

    /// $1,000 of cash for a VXUS class with IXUS as its alternate; VXUS was sold at a loss ten
    /// days ago. Not identical: only VXUS is blocked, so IXUS fills the class (D = 0) in every
    /// strategy, m1 included (the first member it may buy). Identical ([[VXUS, IXUS]]): both are
    /// blocked and nothing may be bought: D = ½(|0 − 1,000| + 1,000) = 1,000, drift 1, and the
    /// class stays underweight.
    @Test func aBlockLeavesTheClassUnderweightOnlyWhenItCoversEveryMember() throws {
        let yaml = """
            asOf: 2026-11-20
            prices: {VXUS: 50, IXUS: 50}
            pie: {slices: [{symbol: VXUS, weight: 100, alternates: [IXUS]}]}
            recentSales: [{account: b, symbol: VXUS, shares: 5, loss: 100, sold: 2026-11-10}]
            accounts: [{id: b, type: taxable, cash: 1000}]
            """
        let note = PlanNote.blocked(symbol: "VXUS", until: Day("2026-12-11")!)
        let h = try household(yaml)
        for strategy in everyStrategy {
            let r = try checked(h, strategy)
            #expect(r.amount("b", "VXUS", .buy) == 0, "\(strategy)")
            #expect(close(r.amount("b", "IXUS", .buy), 1000), "\(strategy)")
            #expect(close(r.summary.misallocatedAfter, 0), "\(strategy)")
            #expect(r.notes == [note], "\(strategy)")
        }
        let identical = try household("washSale: {identical: [[VXUS, IXUS]]}\n" + yaml)
        for strategy in everyStrategy {
            let r = try checked(identical, strategy)
            #expect(r.trades.isEmpty, "\(strategy)")
            #expect(close(r.summary.misallocatedAfter, 1000), "\(strategy)")
            #expect(r.notes == [note], "\(strategy)")
        }
    }

    /// A $500 withdrawal; V = VTI 1,000 (doNotSell) + ITOT 500 + BND 500 − 500 = 1,500, targets
    /// 750 / 750, VTI and ITOT one class. The class cannot fall below the 1,000 VTI keeps, so
    /// D ≥ ½(250 + (750 − BND) + e) with BND + e ≤ 500, i.e. D ≥ 250, reached only by selling all
    /// of ITOT (at no gain) and keeping BND. Every strategy and baseline does that; none sells VTI.
    @Test func doNotSellUnderAWithdrawalSellsTheAlternate() throws {
        let yaml = """
            asOf: 2026-11-20
            prices: {VTI: 100, ITOT: 100, BND: 100}
            pie: {slices: [{symbol: VTI, weight: 50, alternates: [ITOT]}, {symbol: BND, weight: 50}]}
            accounts:
              - id: b
                type: taxable
                flow: -500
                lots:
                  - {symbol: VTI, shares: 10, costBasis: 500, acquired: 2020-01-02, doNotSell: true}
                  - {symbol: ITOT, shares: 5, costBasis: 500, acquired: 2020-01-02}
                  - {symbol: BND, shares: 5, costBasis: 500, acquired: 2020-01-02}
            """
        let h = try household(yaml)
        for strategy in everyStrategy {
            let r = try checked(h, strategy)
            #expect(r.amount("b", "VTI", .sell) == 0, "\(strategy)")
            #expect(close(r.amount("b", "ITOT", .sell), 500), "\(strategy)")
            #expect(r.amount("b", "BND", .sell) == 0, "\(strategy)")
            #expect(close(r.summary.misallocatedAfter, 250), "\(strategy)")
            #expect(close(r.summary.estimatedTax, 0), "\(strategy)")
        }
    }

    /// m1 and a canBuy menu that leaves a slice nothing to buy: $1,000 in a 401k whose menu has
    /// only VTI, target VTI 50 / BND 50. VTI reaches its 500 and the other 500, which BND could
    /// never use there, goes to VTI too (cash after 0). D is 500 either way:
    /// ½(|1,000 − 500| + |0 − 500|) = ½(|500 − 500| + 500 + 500).
    @Test func m1SpendsWhatAMenuLeavesOnWhatTheAccountMayBuy() throws {
        let h = try household(
            """
            asOf: 2026-11-20
            prices: {VTI: 100, BND: 100}
            pie: {slices: [{symbol: VTI, weight: 50}, {symbol: BND, weight: 50}]}
            accounts: [{id: 401k, type: taxDeferred, cash: 1000, canBuy: [VTI]}]
            """)
        let m1 = try checked(h, "m1")
        #expect(close(m1.amount("401k", "VTI", .buy), 1000))
        #expect(close(m1.summary.cashAfter.first { $0.0 == "401k" }!.1, 0))
        #expect(close(m1.summary.misallocatedAfter, 500))
        #expect(close(try checked(h, "full").summary.misallocatedAfter, 500))
    }
}

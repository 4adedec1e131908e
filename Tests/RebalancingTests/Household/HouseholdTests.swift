import Foundation
import Testing

@testable import Rebalancing

// Tests of docs/strategies.md's derived quantities: groups, V_G and I_G, target weights, gains and rates.


/// w_{G,s} by symbol name.
private func groupTargets(_ h: Household, group: Int) -> [String: Double] {
    Dictionary(uniqueKeysWithValues: h.groups[group].targets.map { (h.symbols[$0.key], $0.value) })
}

private let householdThreeAccounts = """
    name: Groups
    asOf: 2026-11-20
    tax: {shortTermRate: 0.32, longTermRate: 0.20}
    prices: {VTI: 300, BND: 70, BNDX: 50, QQQ: 500, VGT: 600, GLD: 180}
    pie:
      name: Core
      slices:
        - {symbol: VTI, weight: 60}
        - name: Bonds
          weight: 40
          slices:
            - {symbol: BND, weight: 70}
            - {symbol: BNDX, weight: 30}
    accounts:
      - id: brokerage
        type: taxable
        cash: 1000
        flow: 5000
        minCash: 100
        lots:
          - {symbol: VTI, shares: 10, costBasis: 2500, acquired: 2021-03-04}
          - {id: T-9, symbol: VTI, shares: 4, costBasis: 1320, acquired: 2026-01-30}
          - {symbol: GLD, shares: 2, costBasis: 400, acquired: 2020-05-05}
      - id: roth
        type: taxExempt
        cash: 500
        flow: 7000
        pie: {name: Growth, slices: [{symbol: QQQ, weight: 60}, {symbol: VGT, weight: 40}]}
        lots:
          - {symbol: QQQ, shares: 30, costBasis: 9000, acquired: 2021-03-01}
          - {symbol: VTI, shares: 1, costBasis: 200, acquired: 2019-12-02}
      - id: 401k
        type: taxDeferred
        cash: 200
        flow: -500
        minCash: 50
        lots:
          - {symbol: BND, shares: 100, costBasis: 8000, acquired: 2020-01-01}
    """

@Suite("Household derived quantities")
struct HouseholdTests {

    // MARK: Groups

    @Test func groupFormation() throws {
        let h = try household(householdThreeAccounts)
        // The household group (accounts without a pie: brokerage, 401k) first, then the Roth alone.
        #expect(h.groups.count == 2)
        #expect(h.groups[0].accounts == [0, 2])
        #expect(h.groups[0].path == "pie")
        #expect(h.groups[0].name.contains("Core"))
        #expect(h.groups[1].accounts == [1])
        #expect(h.groups[1].path == "accounts[1].pie")
        #expect(h.groups[1].name.contains("roth"))
        #expect(h.groupOfAccount == [0, 1, 0])
    }

    @Test func symbolsAreEveryHeldOrTargetedSymbolSorted() throws {
        let h = try household(householdThreeAccounts)
        // Held: VTI, GLD, QQQ, BND; targeted: VTI, BND, BNDX, QQQ, VGT. Priced-only symbols are not listed.
        #expect(h.symbols == ["BND", "BNDX", "GLD", "QQQ", "VGT", "VTI"])
        #expect(h.prices == [70, 50, 180, 500, 600, 300])
        // Per group: what it targets or holds. Household: BND, BNDX, GLD (held, untargeted), VTI.
        #expect(h.groups[0].symbols.map { h.symbols[$0] } == ["BND", "BNDX", "GLD", "VTI"])
        // Roth: QQQ, VGT (targeted) and VTI (held, untargeted).
        #expect(h.groups[1].symbols.map { h.symbols[$0] } == ["QQQ", "VGT", "VTI"])
    }

    @Test func valueAndInvestableIncludeFlowAndMinCash() throws {
        let h = try household(householdThreeAccounts)
        // Household group:
        //   brokerage: cash 1000 + flow 5000 + 10·300 + 4·300 + 2·180 = 1000 + 5000 + 3000 + 1200 + 360 = 10,560
        //   401k:      cash 200 + flow −500 + 100·70 = 6,700
        //   V = 17,260; minCash 100 + 50 = 150; I = 17,110.
        #expect(close(h.groups[0].value, 17_260, within: 1e-9))
        #expect(close(h.groups[0].investable, 17_110, within: 1e-9))
        // Roth: 500 + 7000 + 30·500 + 1·300 = 22,800; no minCash: I = 22,800.
        #expect(close(h.groups[1].value, 22_800, within: 1e-9))
        #expect(close(h.groups[1].investable, 22_800, within: 1e-9))
        // Σ I_G = 17,110 + 22,800 = 39,910.
        #expect(close(h.totalInvestable, 39_910, within: 1e-9))
    }

    @Test func maxSpendPerAccount() throws {
        let h = try household(householdThreeAccounts)
        // brokerage: 1000 + 5000 − 100 + 3000 + 1200 + 360 = 10,460.
        #expect(close(h.maxSpend(account: 0), 10_460, within: 1e-9))
        // roth: 500 + 7000 + 15,000 + 300 = 22,800.
        #expect(close(h.maxSpend(account: 1), 22_800, within: 1e-9))
        // 401k: 200 − 500 − 50 + 7000 = 6,650.
        #expect(close(h.maxSpend(account: 2), 6_650, within: 1e-9))
    }

    @Test func onlyAccountsWithOwnPies() throws {
        let h = try household(
            """
            asOf: 2026-11-20
            prices: {VTI: 300, QQQ: 500}
            accounts:
              - {id: a, type: taxExempt, cash: 100, pie: {slices: [{symbol: VTI, weight: 100}]}}
              - {id: b, type: taxable, cash: 200, pie: {slices: [{symbol: QQQ, weight: 100}]}}
            """)
        // No household group: two own-pie groups, in account order.
        #expect(h.groups.map(\.accounts) == [[0], [1]])
        #expect(h.groups.map(\.path) == ["accounts[0].pie", "accounts[1].pie"])
        #expect(h.groupOfAccount == [0, 1])
        #expect(groupTargets(h, group: 0) == ["VTI": 1])
        #expect(groupTargets(h, group: 1) == ["QQQ": 1])
    }

    // MARK: Target weights

    @Test func nestedTargetsAreProductsOfWeights() throws {
        let h = try household(householdThreeAccounts)
        // VTI 60% → 0.6; Bonds 40% × BND 70% = 0.28; Bonds 40% × BNDX 30% = 0.12.
        let t = groupTargets(h, group: 0)
        #expect(t.count == 3)
        #expect(close(t["VTI"]!, 0.60, within: 1e-9))
        #expect(close(t["BND"]!, 0.28, within: 1e-9))
        #expect(close(t["BNDX"]!, 0.12, within: 1e-9))
        // The Roth's own pie: QQQ 0.6, VGT 0.4; VTI held but untargeted (no entry).
        let r = groupTargets(h, group: 1)
        #expect(r.count == 2)
        #expect(close(r["QQQ"]!, 0.6, within: 1e-9))
        #expect(close(r["VGT"]!, 0.4, within: 1e-9))
        #expect(r["VTI"] == nil)
    }

    @Test func symbolInTwoLeavesGetsTheSum() throws {
        let h = try household(
            """
            asOf: 2026-11-20
            prices: {VTI: 300, VXUS: 60}
            pie:
              slices:
                - {symbol: VTI, weight: 50}
                - name: Mix
                  weight: 50
                  slices:
                    - {symbol: VTI, weight: 40}
                    - {symbol: VXUS, weight: 60}
            accounts: [{id: a, type: taxable, cash: 1000}]
            """)
        // VTI: 0.5 + 0.5·0.4 = 0.7; VXUS: 0.5·0.6 = 0.3.
        let t = groupTargets(h, group: 0)
        #expect(close(t["VTI"]!, 0.7, within: 1e-9))
        #expect(close(t["VXUS"]!, 0.3, within: 1e-9))
    }

    @Test func threeLevelsDeep() throws {
        let h = try household(
            """
            asOf: 2026-11-20
            prices: {A: 1, B: 1, C: 1, D: 1}
            pie:
              slices:
                - {symbol: A, weight: 50}
                - weight: 50
                  slices:
                    - {symbol: B, weight: 50}
                    - weight: 50
                      slices:
                        - {symbol: C, weight: 25}
                        - {symbol: D, weight: 75}
            accounts: [{id: a, type: taxable, cash: 1000}]
            """)
        // A 0.5; B 0.5·0.5 = 0.25; C 0.5·0.5·0.25 = 0.0625; D 0.5·0.5·0.75 = 0.1875. Sum 1.
        let t = groupTargets(h, group: 0)
        #expect(close(t["A"]!, 0.5, within: 1e-9))
        #expect(close(t["B"]!, 0.25, within: 1e-9))
        #expect(close(t["C"]!, 0.0625, within: 1e-9))
        #expect(close(t["D"]!, 0.1875, within: 1e-9))
        #expect(close(t.values.reduce(0, +), 1, within: 1e-9))
    }

    @Test func pieTargetFractionsDirectly() {
        let pie = Pie(slices: [
            Slice(weight: 25, content: .symbol("X")),
            Slice(weight: 75, content: .pie(Pie(slices: [
                Slice(weight: 20, content: .symbol("X")),
                Slice(weight: 80, content: .symbol("Y")),
            ]))),
        ])
        // X: 0.25 + 0.75·0.2 = 0.4; Y: 0.75·0.8 = 0.6.
        let t = pie.targetFractions
        #expect(close(t["X"]!, 0.4, within: 1e-9))
        #expect(close(t["Y"]!, 0.6, within: 1e-9))
    }

    // MARK: Lots: gains and rates

    @Test func gainPerShare() throws {
        let h = try household(householdThreeAccounts)
        // Lot order follows the accounts: brokerage lots 0–2, roth lots 3–4, 401k lot 5.
        #expect(h.lotsByAccount == [[0, 1, 2], [3, 4], [5]])
        // 300 − 2500/10 = 50.
        #expect(close(h.lots[0].gainPerShare, 50, within: 1e-9))
        // 300 − 1320/4 = 300 − 330 = −30.
        #expect(close(h.lots[1].gainPerShare, -30, within: 1e-9))
        // 180 − 400/2 = −20.
        #expect(close(h.lots[2].gainPerShare, -20, within: 1e-9))
        // 500 − 9000/30 = 200.
        #expect(close(h.lots[3].gainPerShare, 200, within: 1e-9))
        // 70 − 8000/100 = −10.
        #expect(close(h.lots[5].gainPerShare, -10, within: 1e-9))
        // p·q: 10·300 = 3000.
        #expect(close(h.lots[0].value, 3000, within: 1e-9))
        #expect(h.lots[1].account == 0 && h.lots[1].index == 1)
        #expect(h.lots[5].account == 2 && h.lots[5].index == 0)
    }

    @Test func fractionalShares() throws {
        let h = try household(
            """
            asOf: 2026-11-20
            prices: {VTI: 300}
            pie: {slices: [{symbol: VTI, weight: 100}]}
            accounts: [{id: a, type: taxable, lots: [{symbol: VTI, shares: 3.5, costBasis: 1000, acquired: 2020-01-01}]}]
            """)
        // 300 − 1000/3.5 = 300 − 285.714285… = 14.285714…
        #expect(close(h.lots[0].gainPerShare, 300 - 2000.0 / 7, within: 1e-9))
        #expect(close(h.lots[0].gainPerShare, 14.285_714_285_714, within: 1e-9))
        // V = 3.5·300 = 1050.
        #expect(close(h.groups[0].value, 1050, within: 1e-9))
    }

    @Test func ratesByAccountTypeAndTerm() throws {
        let h = try household(householdThreeAccounts)
        // tax: rST 0.32, rLT 0.20.
        // brokerage lot 0: 2021-03-04, long-term gain → 0.20.
        #expect(h.lots[0].isLongTerm && h.lots[0].isTaxable)
        #expect(h.lots[0].rate == 0.20)
        // brokerage lot 1: 2026-01-30, short-term loss; no VTI bought within 30 days of 2026-11-20 → 0.32.
        #expect(!h.lots[1].isLongTerm)
        #expect(!h.lots[1].isLookBack)
        #expect(h.lots[1].rate == 0.32)
        #expect(h.lots[1].isGuardedLoss)
        // brokerage lot 2: GLD long-term loss → 0.20.
        #expect(h.lots[2].rate == 0.20)
        // roth and 401k: 0 whatever the term or sign.
        #expect(h.lots[3].rate == 0 && h.lots[4].rate == 0 && h.lots[5].rate == 0)
        #expect(!h.lots[5].isTaxable)
        #expect(!h.lots[5].isGuardedLoss)
    }

    @Test func defaultRatesWithoutTaxSection() throws {
        let h = try household(
            """
            asOf: 2026-11-20
            prices: {VTI: 300}
            pie: {slices: [{symbol: VTI, weight: 100}]}
            accounts:
              - id: a
                type: taxable
                lots:
                  - {symbol: VTI, shares: 1, costBasis: 100, acquired: 2020-01-01}
                  - {symbol: VTI, shares: 1, costBasis: 100, acquired: 2026-06-01}
            """)
        #expect(h.lots.map(\.rate) == [0.15, 0.35])
    }

    @Test func lookBackLossInTheHouseholdAffectsOnlyTaxableLosses() throws {
        // VTI bought 2026-11-10 (10 days before asOf) in the 401k: the taxable VTI loss lot gets rate 0;
        // the taxable VTI gain lot keeps its rate.
        let h = try household(
            """
            asOf: 2026-11-20
            prices: {VTI: 300}
            pie: {slices: [{symbol: VTI, weight: 100}]}
            accounts:
              - id: a
                type: taxable
                lots:
                  - {symbol: VTI, shares: 1, costBasis: 100, acquired: 2020-01-01}
                  - {symbol: VTI, shares: 1, costBasis: 400, acquired: 2020-01-01}
              - id: k
                type: taxDeferred
                lots: [{symbol: VTI, shares: 1, costBasis: 290, acquired: 2026-11-10}]
            """)
        // Lot 0: g = 200 > 0 → 0.15. Lot 1: g = −100 < 0, look-back → 0. Lot 2: taxDeferred → 0.
        #expect(h.lots.map(\.rate) == [0.15, 0, 0])
        #expect(h.lots.map(\.isLookBack)[0...1] == [false, true])
    }
}

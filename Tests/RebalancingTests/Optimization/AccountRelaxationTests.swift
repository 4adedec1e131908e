import Foundation
import GLPKSolver
import RebalanceTestSupport
import Testing

@testable import Rebalancing

/// Each account's whole shares alone bound a stage (AccountRelaxation.swift): the case that
/// needed it, near-long-term.yaml in whole shares under tax-budget:0, worked by hand.
///
/// Before trading, D = 39,410 (VOO 21,980, VXUS 12,242.50 and BND 5,187.50 under target, MSFT
/// 12,905 and NVDA 25,505 over, $1,000 of cash). Only the brokerage holds MSFT and NVDA, so D
/// falls by the dollars of them it sells, less any cash left and any class pushed past its
/// target: D = 38,410 − 420·a − 140·b + leftover (+ overshoot) once the $1,000 is spent, a and b
/// the MSFT and NVDA shares sold. Tax ≤ 0 needs the year's net gain ≤ 0 (docs/tax-model.md), and
/// the only loss is the VOO lot bought 2026-06-02 ($40 a share, 10 shares); the cheapest gain per
/// dollar of drift is the MSFT lot of 2025-12-28 ($90 a share): 4 shares ($360) fit under $400,
/// a fifth does not, and any NVDA share (a gain of $95 or $122) with 4 MSFT exceeds it. So
/// D ≥ 38,410 − 1,680 = 36,730, with equality only if the brokerage spends to the cent the
/// $1,000 + $1,680 + 550·v it holds after selling v ∈ {9, 10} VOO loss shares (9 cover $360),
/// on VXUS ($62.50) and BND ($72.10) alone (VOO sold at a loss may not be bought): in dimes,
/// 625·x + 721·y = 76,300 or 81,800. Listing every x, y: the nearest below are 76,297 (x = 114,
/// y = 7: $0.30 left) and 81,777 ($2.30 left). The 401(k) cannot help (its cash is its own),
/// and fewer than 4 MSFT lose $280 or more of drift (3 MSFT and 1 NVDA: $365 of gain, $1,400
/// sold). So the optimum is 36,730.30 (HiGHS 1.16 proves the same on the stage's model). The LP relaxation, spending cash in fractions, reaches
/// 36,543.33 and its branch and bound's bound stayed at 36,730.00 for 100,000 nodes; with only
/// the brokerage's columns integer, a few hundred nodes prove 36,730.30.
@Suite struct AccountRelaxationTests {
    @Test("near-long-term.yaml in whole shares, tax-budget:0: D = 36,730.30, Tax 0")
    func nearLongTermUnderNoTax() throws {
        var scenario = try ScenarioLoader.load(path: bundledScenarioPath("near-long-term.yaml"))
        for a in scenario.accounts.indices { scenario.accounts[a].wholeShares = true }
        let household = Household(scenario)
        let plan = Planner().plan(household, strategy: try Strategy(parsing: "tax-budget:0"))
        #expect(plan.status == .optimal)
        #expect(PlanVerifier(household).violations(of: plan) == [])
        let summary = PlanReport(plan, household: household).summary
        #expect(abs(summary.misallocatedAfter - 36_730.30) < 0.005, "\(summary.misallocatedAfter)")
        #expect(abs(summary.estimatedTax) < 0.005)
        // The brokerage's leftover: the $0.30 no whole shares of VXUS and BND can spend.
        #expect(abs(summary.cashAfter[0].amount - 0.30) < 0.005, "\(summary.cashAfter)")
    }

    @Test("Every account with whole shares is a block; one account alone is no block")
    func blocksAreTheAccounts() throws {
        var scenario = try ScenarioLoader.load(path: bundledScenarioPath("near-long-term.yaml"))
        for a in scenario.accounts.indices { scenario.accounts[a].wholeShares = true }
        let both = RebalanceModel(Household(scenario), strategy: .full)
        let blocks = both.orders.accountBlocks(shared: [])
        #expect(blocks.count == 2)
        #expect(Set(blocks[0]).isDisjoint(with: Set(blocks[1])))
        scenario.accounts[1].wholeShares = false
        let one = RebalanceModel(Household(scenario), strategy: .full)
        #expect(one.orders.accountBlocks(shared: []).isEmpty)
    }
}

import GLPKSolver
import LinearProgramming
import RebalanceTestSupport
import Testing

@testable import Rebalancing

/// The turnover stage taken from the harvest stage's plan, without an LP of its own, where
/// Harvest is tradingCost·Turn on every plan (`RebalanceModel.harvestIsScaledTurnover`).
@Suite struct HarvestTurnoverTests {
    /// A deposit and a lot at a gain: cash-only may not sell it (its sales are capped at zero),
    /// so the lot's tax never counts and Harvest is 0.001·Turn; `full` may sell it, so it is not.
    /// By hand: value $2,000 (deposit $1,000 and 10 A at $100), target $1,000 each; A is on
    /// target, B at 0: cash-only buys $1,000 of B, drift 0, turnover $1,000, no sale.
    @Test func aDepositUnderCashOnlyTakesTheHarvestPlan() throws {
        let h = try household(
            halfAndHalfYAML(
                lots: ["{symbol: A, shares: 10, costBasis: 500, acquired: 2020-01-02}"], tax: "{tradingCost: 0.001}",
                account: "flow: 1000"))
        #expect(RebalanceModel(h, strategy: .cashOnly).harvestIsScaledTurnover)
        #expect(!RebalanceModel(h, strategy: .full).harvestIsScaledTurnover)
        let cashOnly = try report(h, "cash-only")
        #expect(cashOnly.status.isOptimal)
        #expect(close(cashOnly.summary.turnover, 1000))
        #expect(close(cashOnly.amount("t", "B", .buy), 1000))
        #expect(cashOnly.trades.count == 1)
    }

    /// Without a trading cost Harvest is LotTax alone, however few lots may sell.
    @Test func noTradingCostNoShortcut() throws {
        let h = try household(
            halfAndHalfYAML(
                lots: ["{symbol: A, shares: 10, costBasis: 500, acquired: 2020-01-02}"], tax: "{tradingCost: 0}",
                account: "flow: 1000"))
        #expect(!RebalanceModel(h, strategy: .cashOnly).harvestIsScaledTurnover)
    }

    /// Generated typical households (`generate --seed 1`, the first 12) under cash-only: where
    /// the shortcut applies, every stage value of the plan, turnover included, is certified
    /// against the stage's LP dual bound worked out independently (StageCertificate).
    @Test func generatedCashOnlyPlansAreCertified() throws {
        let strategy = try Strategy(parsing: "cash-only")
        var applied = 0
        for index in 0..<12 {
            let h = Household(Generator(seed: 1).household(index))
            guard RebalanceModel(h, strategy: strategy.kind).harvestIsScaledTurnover else { continue }
            applied += 1
            let plan = Planner().plan(h, strategy: strategy)
            #expect(plan.status.isOptimal)
            for result in try StageCertificate(household: h, strategy: strategy).check(plan) {
                #expect(result.isCertified && result.isConsistent, "household \(index): \(result)")
            }
        }
        #expect(applied > 0, "no generated household took the shortcut")
    }
}

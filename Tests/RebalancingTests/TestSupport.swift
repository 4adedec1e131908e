import Foundation
import LinearProgramming
@_exported import RebalanceTestSupport
@testable import Rebalancing

/// A household from YAML text (failing the test on invalid input).
func household(_ yaml: String) throws -> Household {
    Household(try ScenarioLoader.parse(Data(yaml.utf8), format: .yaml, source: "test.yaml"))
}

/// The report of one strategy's plan.
func report(_ household: Household, _ strategy: String) throws -> PlanReport {
    let plan = Planner().plan(household, strategy: try Strategy(parsing: strategy))
    return PlanReport(plan, household: household)
}

extension PlanReport {
    func trade(_ account: String, _ symbol: String, _ action: Trade.Action) -> Trade? {
        trades.first { $0.account == account && $0.symbol == symbol && $0.action == action }
    }
    func amount(_ account: String, _ symbol: String, _ action: Trade.Action) -> Double {
        trade(account, symbol, action)?.amount ?? 0
    }
}

func close(_ a: Double, _ b: Double, within tolerance: Double = 0.005) -> Bool {
    abs(a - b) <= tolerance
}

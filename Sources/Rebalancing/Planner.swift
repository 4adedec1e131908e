import LinearProgramming

/// Makes a plan under any strategy: the optimizer for optimizing strategies, the baselines'
/// own rules for `fifo` and `m1`.
public struct Planner: Sendable {
    public let options: SolverOptions

    public init(options: SolverOptions = SolverOptions()) { self.options = options }

    public func plan(_ household: Household, strategy: Strategy) -> Plan {
        switch strategy.kind {
        case .fifo, .m1:
            return .none(strategy, household, status: .numericalFailure("baselines are not built yet"))
        default:
            return Optimizer(options: options).plan(household, strategy: strategy)
        }
    }
}

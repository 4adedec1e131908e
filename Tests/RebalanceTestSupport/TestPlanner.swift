import GLPKSolver
import Rebalancing

// The domain never picks a solver; tests plan with GLPK through these.

extension Planner {
    /// The planner tests use: GLPK with no time limit, verification as in the build.
    public init() {
        self.init(solver: GLPKSolver())
    }
}

extension Comparison {
    /// A comparison planned by the test ``Planner``.
    public init(_ household: Household, name: String, strategies: [Strategy]) {
        self.init(household, name: name, strategies: strategies, planner: Planner())
    }
}

extension Frontier {
    /// A frontier planned by the test ``Planner``.
    public init(_ household: Household, name: String, points count: Int) {
        self.init(household, name: name, points: count, planner: Planner())
    }
}

extension BatchRunner {
    /// A batch runner planning with the test ``Planner``.
    public init(strategies: [Strategy]?, jobs: Int, chunkSize: Int = 256) {
        self.init(strategies: strategies, jobs: jobs, planner: Planner(), chunkSize: chunkSize)
    }
}

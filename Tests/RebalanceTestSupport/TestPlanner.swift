import GLPKSolver
import Rebalancing

extension Planner {
    /// The planner tests use: GLPK with no time limit, verification as in the build.
    public init() {
        self.init(solver: GLPKSolver())
    }
}

import Testing

@testable import GLPKSolver
@testable import LinearProgramming

/// Sifting (GLPKSifting.swift): an LP with many more columns than rows is solved on a working set
/// of columns, every other column priced against the restricted optimum.
@Suite("Sifting")
struct SiftingTests {
    /// n columns x_j ∈ [0, 1] with distinct costs c_j = ((7919·j) mod n) + 1, a permutation of
    /// 1…n (7919 is prime and does not divide n = 6,000), and one row Σ x_j = k.
    private static let n = 6_000
    private static func cost(_ j: Int) -> Double { Double((7919 * j) % n + 1) }

    @Test("Many columns, one row: the cheapest columns fill the row, in any direction")
    func cheapestColumns() throws {
        let n = Self.n
        var model = LinearModel()
        let x = (0..<n).map { _ in model.addVariable(lower: 0, upper: 1) }
        let row = model.addConstraint(x.map { Term($0, 1) }, equalTo: 1_500.5)
        model.objective = x.enumerated().map { Term($1, Self.cost($0)) }
        let problem = try GLPKSolver().makeSession(model)
        #expect(problem.siftingApplies)

        // The 1,500 cheapest (costs 1…1,500) whole, half of the next (1,501):
        // 1,500·1,501/2 + 1,501/2 = 1,125,750 + 750.5 = 1,126,500.5. The slack basis the first
        // solve starts from violates the row: phase 1's pricing brings the columns in.
        let first = problem.solve()
        #expect(first.status == .optimal)
        #expect(close(first.objectiveValue, 1_126_500.5))
        #expect(close(first.values.reduce(0, +), 1_500.5))
        #expect(first.values.allSatisfy { $0 >= -1e-9 && $0 <= 1 + 1e-9 })

        // Every column has its own bounds back: maximizing (minimizing −c) takes the 1,500 most
        // expensive (4,501…6,000) and half of 4,500: (4,501 + 6,000)·1,500/2 + 2,250 = 7,878,000.
        try problem.setObjective(x.enumerated().map { Term($1, -Self.cost($0)) })
        let second = problem.solve()
        #expect(second.status == .optimal)
        #expect(close(second.objectiveValue, -7_878_000))
        for (j, value) in second.values.enumerated() where Self.cost(j) > 4_500 { #expect(close(value, 1)) }

        // More than all the columns can give: infeasible.
        try problem.setBounds(row, lower: 6_000.5, upper: 6_000.5)
        #expect(problem.solve().status == .infeasible)

        // All of them: every column at 1, Σ −c = −n(n + 1)/2 = −18,003,000.
        try problem.setBounds(row, lower: 6_000, upper: 6_000)
        let all = problem.solve()
        #expect(all.status == .optimal)
        #expect(close(all.objectiveValue, -18_003_000))
    }

    @Test("Small LPs are not sifted")
    func smallIsNotSifted() throws {
        var model = LinearModel()
        let x = (0..<100).map { _ in model.addVariable(lower: 0, upper: 1) }
        model.addConstraint(x.map { Term($0, 1) }, upper: 10)
        #expect(!(try GLPKSolver().makeSession(model)).siftingApplies)
    }
}

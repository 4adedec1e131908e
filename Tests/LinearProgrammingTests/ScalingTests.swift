import Testing

@testable import GLPKSolver
@testable import LinearProgramming

/// `GLPKScaling` must give GLPK's own factors (`glp_scale_prob(GLP_SF_AUTO)`) bit for bit: the
/// simplex then walks the same path as it would with GLPK's scaling.
@Suite("Scale factors")
struct ScalingTests {
    @Test("The factors are glp_scale_prob's, bit for bit, on random matrices with empty rows and columns")
    func factorsAreGLPKs() throws {
        var numbers = SeededNumbers(seed: 0x2545_F491_4F6C_DD1D)
        func next() -> Double { numbers.next() }
        var scaled = 0
        for _ in 0..<400 {
            var model = LinearModel()
            let n = 1 + Int(next() * 12)
            let variables = (0..<n).map { _ in model.addVariable(lower: 0, upper: 10) }
            // Magnitudes spread over up to eight decades, more in some rows or columns than in
            // others (so that either side may be scaled first), in some matrices all above 1
            // (where an empty row's 1 is the least |a|); about one entry in three, and some rows
            // and columns left empty.
            let rowSpread = (0..<12).map { _ in next() * 8 }
            let columnSpread = variables.map { _ in next() * 4 }
            let aboveOne = next() < 0.3
            for i in 0..<(Int(next() * 12)) {
                let terms = variables.indices.compactMap { j -> Term? in
                    guard next() < 0.35 else { return nil }
                    let magnitude = pow10(next() * rowSpread[i] + columnSpread[j] + (aboveOne ? 0.2 : -rowSpread[i] / 2))
                    return Term(variables[j], next() < 0.5 ? -magnitude : magnitude)
                }
                model.addConstraint(terms, upper: 1)
            }
            model.objective = variables.map { Term($0, 1) }
            let problem = try GLPKProblem(model)
            let ours = GLPKScaling.factors(problem.matrix, columns: problem.variableCount)
            let glpk = problem.glpkScaleFactors()
            #expect(ours.row == glpk.row)
            #expect(ours.column == glpk.column)
            if ours.row.contains(where: { $0 != 1 }) || ours.column.contains(where: { $0 != 1 }) { scaled += 1 }
        }
        // Most of them are badly scaled enough for GLPK to scale them.
        #expect(scaled > 200)
    }

    @Test("An empty row counts in the matrix's range as 1, as in GLPK, when the columns are scaled first")
    func emptyRowCountsInTheRange() throws {
        // One row whose range (54.33/50.49) is wider than each column's (1): the columns are
        // scaled first, and the matrix's range they give is [50.49, 54.33] alone, [1, 54.33]
        // with the empty row's. With the 1, the geometric passes go on one more round (the
        // range falls from 54.33 to about 1, not only from 1.076), which moves the factors.
        var model = LinearModel()
        let x = model.addVariable(lower: 0, upper: 10)
        let y = model.addVariable(lower: 0, upper: 10)
        model.addConstraint([Term(x, 50.48533538156164), Term(y, 54.333825660279885)], upper: 1)
        model.addConstraint([], upper: 1)
        model.objective = [Term(x, 1), Term(y, 1)]
        let problem = try GLPKProblem(model)
        let ours = GLPKScaling.factors(problem.matrix, columns: problem.variableCount)
        let glpk = problem.glpkScaleFactors()
        #expect(ours.row == glpk.row)
        #expect(ours.column == glpk.column)
    }
}

private func pow10(_ x: Double) -> Double {
    var result = 1.0
    var e = x
    while e >= 1 { result *= 10; e -= 1 }
    while e < 0 { result /= 10; e += 1 }
    // The fractional decade by a few steps of 10^0.1 (any spread will do; the factors are
    // compared, not the values).
    while e >= 0.1 { result *= 1.2589254117941673; e -= 0.1 }
    return result
}

import Foundation
import RebalanceTestSupport
import Testing

@testable import Rebalancing

/// Exact change (ExchangeLattice.swift): once the held stages pin an account's leftover cash, each
/// symbol whose price shares no factor with the gcd of the others' trades in steps, and the
/// optimizer adds a column for the step. A step that were wrong would cut off plans: checked here
/// against listing every whole-share plan of tiny households built so that the steps bind.
@Suite struct ExactChangeTests {
    /// three-fund.yaml's prices in cents: VTI 30000, VXUS 6250, BND 7210.
    /// VTI: the others' gcd is gcd(6250, 7210) = 10, and 10 divides 30000: no step (1).
    /// VXUS: gcd(30000, 7210) = 10 divides 6250: 1.
    /// BND: gcd(30000, 6250) = 1250 and gcd(7210, 1250) = 10: 7210·δ ≡ 0 (mod 1250) means
    /// 721·δ ≡ 0 (mod 125), and 721 = 7·103 shares no factor with 125 = 5³: δ in steps of 125.
    @Test func threeFundTradesBNDInStepsOf125() throws {
        let (whole, unit) = try #require(ExecutableOrders.wholePrices([300, 62.5, 72.1]))
        #expect(whole == [30000, 6250, 7210])
        #expect(unit == 0.01)
        #expect(ExecutableOrders.exactChangeSteps(whole) == [1, 1, 125])
    }

    /// Prices to a tenth of a cent are whole in tenths of a cent. Two symbols at coprime prices
    /// step by the other's price: 3·δ0 = −7·δ1 means δ0 in steps of 7 and δ1 of 3. At 4, 6 and 9:
    /// 4·δ0 ≡ 0 (mod gcd(6, 9) = 3) means δ0 in steps of 3; gcd(4, 9) = 1 leaves δ1 free; and
    /// 9·δ2 ≡ 0 (mod gcd(4, 6) = 2) means δ2 even.
    @Test func unitsAndTwoSymbols() throws {
        let (whole, unit) = try #require(ExecutableOrders.wholePrices([10.125, 3.5]))
        #expect(whole == [10125, 3500])
        #expect(abs(unit - 0.001) < 1e-15)
        #expect(ExecutableOrders.exactChangeSteps([3, 7]) == [7, 3])
        #expect(ExecutableOrders.exactChangeSteps([4, 6, 9]) == [3, 1, 2])
    }

    /// A tiny household of three symbols where the third trades in steps: the first two prices
    /// share a factor G that the third's does not (its step G / gcd(P₂, G), 2 to 6 shares), and
    /// the cash is a sum of whole shares, so that some plans spend it to the cent.
    static func tiny(seed: UInt64) -> (WholeSharesEnumerationTests.Tiny, step: Int) {
        var rng = WholeSharesEnumerationTests.Rng(state: seed &* 7 &+ 3)
        var p: [Int] = [], step = 1
        while true {
            let g = 25 * rng.int(4...12)
            p = [g * rng.int(8...30), g * rng.int(8...30), rng.int(2_000...9_000)]
            let common = ExecutableOrders.gcd(p[0], p[1])
            step = common / ExecutableOrders.gcd(p[2], common)
            if p[0] != p[1] && (2...6).contains(step) { break }
        }
        var h = WholeSharesEnumerationTests.Tiny()
        for price in p {
            let shares = Double(rng.int(4...12))
            h.prices.append(Double(price) / 100)
            h.shares.append(shares)
            h.basis.append((Double(price) * shares * Double(rng.int(60...140)) / 100).rounded() / 100)
            h.longTerm.append(rng.int(0...1) == 1)
        }
        var cents = p[2] * step * rng.int(0...1) + p[0] * rng.int(0...2) + p[1] * rng.int(0...2)
        if cents == 0 { cents = p[2] * step }
        h.cash = Double(cents) / 100
        let w = rng.int(20...50)
        let w2 = rng.int(20...(80 - w))
        h.weights = [Double(w), Double(w2), Double(100 - w - w2)]
        h.realizedST = Double(rng.int(-2_000...2_000))
        h.realizedLT = Double(rng.int(-2_000...2_000))
        return (h, step)
    }

    @Test(arguments: 0..<16, ["band:5", "band:10"])
    func thePlanIsTheBestWholeSharePlan(seed: Int, strategy: String) throws {
        let (tiny, step) = Self.tiny(seed: UInt64(seed))
        let band = Double(strategy.dropFirst(5))!
        let household = try household(tiny.yaml)
        let plan = Planner().plan(household, strategy: try Strategy(parsing: strategy))
        #expect(plan.status == .optimal, "seed \(seed) \(strategy): \(plan.status)")
        #expect(PlanVerifier(household).violations(of: plan) == [])

        var t = [Int](repeating: 0, count: tiny.prices.count)
        for (l, lot) in household.lots.enumerated() {
            t[tiny.symbols.firstIndex(of: household.symbols[lot.symbol])!] -= Int(plan.sharesSold[l].rounded())
        }
        for purchase in plan.purchases {
            let s = tiny.symbols.firstIndex(of: household.symbols[purchase.symbol])!
            t[s] += Int((purchase.amount / tiny.prices[s]).rounded())
        }
        let mine = try #require(tiny.measures(t, band: band), "seed \(seed) \(strategy): the plan overspends")

        // The stages in order over every plan, as in WholeSharesEnumerationTests.
        let margin = 0.01 + 1e-7 * tiny.investable
        var tight = tiny.plans(band: band), loose = tight
        for stage in ["Dβ", "Tax", "D", "Harvest", "Turn"] {
            let bestTight = tight.map { $0.m[stage]! }.min()!
            let bestLoose = loose.map { $0.m[stage]! }.min()!
            let value = mine[stage]!
            #expect(value >= bestLoose - 1e-6, "seed \(seed) \(strategy) \(stage): \(value) below every plan's \(bestLoose)")
            #expect(value <= bestTight + margin, "seed \(seed) \(strategy) \(stage): \(value), the best plan \(bestTight)")
            tight = tight.filter { $0.m[stage]! <= bestTight + 1e-6 }
            loose = loose.filter { $0.m[stage]! <= bestTight + margin + 1e-9 }
        }
        // Where the first stage spends the cash to the cent, every plan the later stages may
        // choose trades the third symbol in whole steps from any other (what the step says).
        let first = tiny.plans(band: band)
        let best = first.map { $0.m["Dβ"]! }.min()!
        if best < 1e-9 {
            let spent = first.filter { $0.m["Dβ"]! < 1e-9 }
            #expect(spent.allSatisfy { ($0.t[2] - spent[0].t[2]) % step == 0 }, "seed \(seed) \(strategy)")
        }
    }

    /// The family above binds the steps: in at least a third of its cases the first stage spends
    /// the cash to the cent (so the later stages are held where the steps apply).
    @Test func theFamilySpendsTheCashToTheCent() {
        var spent = 0
        for seed in 0..<16 {
            let tiny = Self.tiny(seed: UInt64(seed)).0
            for band in [5.0, 10.0] where tiny.plans(band: band).map({ $0.m["Dβ"]! }).min()! < 1e-9 { spent += 1 }
        }
        #expect(spent >= 10, "\(spent) of 32")
    }
}

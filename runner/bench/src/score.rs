//! One number per trace, as the malloc lab's driver gives one:
//!
//! ```text
//! score = 100 × (0.6 × U + 0.4 × min(1, T / T_system))
//! ```
//!
//! `U` is the utilization (peak live bytes over peak heap bytes), `T` the
//! allocator's throughput and `T_system` the system allocator's on the
//! same trace in the same run. Matching malloc's speed earns all the
//! throughput points; being faster shows in the ratio, not in the score,
//! so memory cannot be traded for speed past that point. An incorrect
//! trace scores 0. The overall score is the mean over the traces.

/// The weight of utilization; throughput has the rest.
pub const UTILIZATION_WEIGHT: f64 = 0.6;

/// The score of one trace, from 0 to 100.
pub fn score(utilization: f64, throughput: f64, system_throughput: f64) -> f64 {
    let speed = if system_throughput > 0.0 {
        (throughput / system_throughput).min(1.0)
    } else {
        1.0
    };
    100.0 * (UTILIZATION_WEIGHT * utilization.clamp(0.0, 1.0) + (1.0 - UTILIZATION_WEIGHT) * speed)
}

/// The mean of the traces' scores (0 for none).
pub fn overall(scores: &[f64]) -> f64 {
    if scores.is_empty() {
        0.0
    } else {
        scores.iter().sum::<f64>() / scores.len() as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utilization_weighs_more_and_speed_is_capped_at_the_systems() {
        assert_eq!(score(1.0, 2.0, 1.0), 100.0);
        assert_eq!(score(0.5, 1.0, 1.0), 70.0);
        assert!((score(0.5, 0.5, 1.0) - 50.0).abs() < 1e-9);
        assert_eq!(overall(&[100.0, 0.0]), 50.0);
    }
}

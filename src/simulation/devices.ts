// The wrist wearable (the CGM is sensor/): heart rate (PPG, with motion artefacts), HRV, QT,
// breathing, SpO₂, skin temperature, EDA, steps and acceleration. Each reading is what the sensor reports, at its precision.
import type { PatientProfile } from '../cohort/patientProfile.ts';
import { F } from '../domain/features.ts';
import * as wear from '../physiology/wearables.ts';
import type { RandomStream } from '../util/random.ts';
import type { PatientBody } from './patient.ts';

/** Short-term SDNN rarely exceeds ~180 ms even in deep sleep of the young. */
const MAX_SDNN_MS = 180;

const round = (value: number, step: number) => Math.round(value / step) * step;

/** The wrist wearable; its slow skin signals (temperature, EDA, nocturnal SpO₂ dips) carry over minutes. */
export class WristWearable {
  private skinTemperature: number;
  private eda: number;
  private nocturnalDip = 0;

  constructor(
    private readonly profile: PatientProfile,
    private readonly rng: RandomStream,
  ) {
    this.skinTemperature = profile.wearable.skinTemperatureDayC;
    this.eda = profile.wearable.edaTonicMicroSiemens;
  }

  /** Measures the minute into `signals` (FEATURE_NAMES order) at index `minute`. */
  measure(minute: number, body: PatientBody, activityKind: number, asleep: boolean, signals: Float64Array[]): void {
    const { profile, rng } = this;
    const { wearable } = profile;
    const { intensity, heartRate, hypoSeverity } = body;
    // Wrist PPG heart rate: ±1.5 bpm at rest, motion artefacts grow with movement (Bent 2020).
    const hrReading = Math.round(heartRate + (1.5 + 14 * Math.max(0, intensity - 0.25)) * rng.normal());
    const sdnn =
      wear.hrvSdnnMs(wearable.sdnnRestMs, profile.restingHeartRateBpm, heartRate, asleep, hypoSeverity) * Math.exp(0.12 * rng.normal());
    const qt = wear.qtIntervalMs(wear.qtcMs(wearable.qtcMs, body.plasmaGlucoseMgdl()), heartRate) + 4 * rng.normal();
    this.nocturnalDip = asleep ? Math.max(0, 0.9 * this.nocturnalDip + 0.5 * rng.normal()) : 0;
    this.skinTemperature +=
      (wear.skinTemperatureTargetC(wearable.skinTemperatureDayC, asleep, intensity, hypoSeverity) - this.skinTemperature) * 0.05;
    this.eda += (wear.edaTargetMicroSiemens(wearable.edaTonicMicroSiemens, asleep, intensity, hypoSeverity) - this.eda) * 0.2;
    const steps = wear.stepsPerMinute(activityKind, intensity, wearable.strideCadenceSpm, rng.normal());

    signals[F.heart_rate_bpm]![minute] = hrReading;
    signals[F.hrv_sdnn]![minute] = round(Math.min(MAX_SDNN_MS, Math.max(3, sdnn)), 0.1);
    signals[F.respiratory_rate_rpm]![minute] = round(
      wear.respiratoryRateRpm(wearable.respiratoryRateRestRpm, intensity, asleep, hypoSeverity) + 0.5 * rng.normal(),
      0.1,
    );
    signals[F.spo2_pct]![minute] = Math.min(
      100,
      Math.round(wear.spo2Pct(wearable.spo2RestPct, intensity, this.nocturnalDip) + 0.4 * rng.normal()),
    );
    signals[F.steps_per_minute]![minute] = steps;
    signals[F.vertical_acceleration_g]![minute] = round(wear.verticalAccelerationG(steps, intensity, rng.normal()), 0.01);
    signals[F.skin_temperature_c]![minute] = round(this.skinTemperature + 0.05 * rng.normal(), 0.01);
    signals[F.eda_microsiemens]![minute] = round(Math.max(0.05, this.eda * Math.exp(0.05 * rng.normal())), 0.01);
    signals[F.qt_interval_ms]![minute] = Math.round(qt);
  }
}

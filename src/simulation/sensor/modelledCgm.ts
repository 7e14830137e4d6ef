// The CGM a person wears: sensors changed at the device's wear length (the stay starts somewhere
// inside the first one), some ending early, each warming up without readings, each with its own
// calibration drift and AR(2) noise (errorModel.ts), false lows when the person lies on
// the sensor at night, and signal loss between sensor and phone. Everything is drawn from the
// patient's sensor streams when the sensor is made, so it is the same whatever the dataset keeps;
// each part draws from its own stream, in time order, so a longer stay (the forecasting tail)
// changes nothing in the minutes a shorter one has.
import { SensorState, type CgmDevice } from '../../domain/cgm.ts';
import { CGM_DEVICE_SPECS, type CgmDeviceSpec } from './deviceSpecs.ts';
import { ar2AtShorterStep, calibrationGain, compressionArtefactMgdl, drawSensorErrorParameters } from './errorModel.ts';
import { bernoulli, randomStream, type RandomStream } from '../../util/random.ts';
import type { CgmSensor, SensorTrace } from './types.ts';

/** The error model's parameters are fitted to 5-minute samples (Vettoretti 2019). */
const MODEL_SAMPLE_MINUTES = 5;
/** Days over which the first-day extra noise fades (e-folding), fitted to the G6 Pro day-1 figures. */
const EARLY_WEAR_DAYS = 0.3;
/**
 * The drift polynomial was fitted over a G6's 10 days; a longer-worn sensor runs through the same
 * drift over its own life (the quadratic extrapolated to day 14 would drift −10 %, which Libre 3's
 * flat accuracy over 14 days rules out: Alva et al. 2023).
 */
const DRIFT_FITTED_DAYS = 10;

// Early failures: a failed sensor is replaced after a while (mean 2 h, at most 12 h: our assumption).
const REPLACEMENT_DELAY_MEAN_MIN = 120;
const REPLACEMENT_DELAY_MAX_MIN = 720;

// Compression lows (Baysal et al. 2014, J Diabetes Sci Technol 8:1091–1096, 1,125 nights): ~3 % of
// overnight readings; median duration 45 min (IQR 30–70), median depth 24 mg/dL (IQR 10–48). Shaped
// as a first-order response to a rectangular pulse (Facchinetti et al. 2016).
const COMPRESSION_MEDIAN_MIN = 45;
const COMPRESSION_LOG_SD = Math.log(70 / 30) / (2 * 0.6745);
const COMPRESSION_DEPTH_MEDIAN_MGDL = 24;
const COMPRESSION_DEPTH_LOG_SD = Math.log(48 / 10) / (2 * 0.6745);
const COMPRESSION_TIME_CONSTANT_MIN = 8;
/** The longest pressure (our cap: a sleeper turns over within two hours). */
const COMPRESSION_MAX_MIN = 120;
/** Events per hour asleep giving ~3 % of night-time minutes under a compression artefact. */
const COMPRESSION_EVENTS_PER_SLEEP_HOUR = 0.032;
/**
 * Side sleepers lie on an arm or flank sensor more: 54 % of time in bed is spent on the side
 * (Skarpsno et al. 2017, BMJ Open 7:e013869). Side sleepers get 1.5× the rate, others the rest
 * (0.41×), so the cohort's mean rate stays the published one.
 */
const SIDE_SLEEPER_SHARE = 0.54;
const SIDE_SLEEPER_FACTOR = 1.5;
const OTHER_SLEEPER_FACTOR = (1 - SIDE_SLEEPER_SHARE * SIDE_SLEEPER_FACTOR) / (1 - SIDE_SLEEPER_SHARE);

// Signal loss (Facchinetti et al. 2016: gaps mostly short and in the daytime; ~90 % under 20 min):
// gaps start at 0.15 an hour awake and a third of that asleep; 92 % are 1–19 min (geometric, mean
// 6 min), the rest log-normal (median 45 min, up to 6 h). With warm-ups and failures the stay's
// coverage comes out at ~96–97 % (REPLACE-BG; Control-IQ real-world data).
const SIGNAL_LOSS_PER_AWAKE_MINUTE = 0.15 / 60;
const SIGNAL_LOSS_ASLEEP_FACTOR = 1 / 3;
const SHORT_GAP_SHARE = 0.92;
const SHORT_GAP_MEAN_MIN = 6;
const LONG_GAP_MEDIAN_MIN = 45;
const LONG_GAP_LOG_SD = 0.8;
const LONG_GAP_MAX_MIN = 360;

interface Session {
  start: number;
  /** First minute after the sensor stopped (worn out or failed). */
  end: number;
}

/** The sensor's random streams, one per part. */
export interface SensorStreams {
  /** When sensors are inserted and fail. */
  sessions: RandomStream;
  /** Each sensor's calibration and noise parameters. */
  calibration: RandomStream;
  /** The AR(2) innovations, sample by sample. */
  noise: RandomStream;
  /** Who sleeps on the sensor, and when. */
  compression: RandomStream;
  signalLoss: RandomStream;
}

/** A patient's sensor streams (seed and patient index decide them, nothing else). */
export function sensorStreams(randomSeed: number, patientIndex: number): SensorStreams {
  const stream = (part: string) => randomStream(randomSeed, patientIndex, `sensor:${part}`);
  return {
    sessions: stream('sessions'),
    calibration: stream('calibration'),
    noise: stream('noise'),
    compression: stream('compression'),
    signalLoss: stream('signalLoss'),
  };
}

/** Plans the sensors over the stay: the first inserted before it began, each worn its length or failing early. */
function planSessions(rng: RandomStream, spec: CgmDeviceSpec, totalMinutes: number): Session[] {
  const wearMinutes = Math.round(spec.wearDays * 1440);
  const sessions: Session[] = [];
  let start = -Math.floor(rng.uniform() * wearMinutes);
  while (start < totalMinutes) {
    let end = start + wearMinutes;
    let next = end;
    if (bernoulli(rng, spec.earlyFailureFraction)) {
      end = start + spec.warmUpMinutes + Math.floor(rng.uniform() * (wearMinutes - spec.warmUpMinutes));
      next = end + Math.min(REPLACEMENT_DELAY_MAX_MIN, Math.round(-Math.log(1 - rng.uniform()) * REPLACEMENT_DELAY_MEAN_MIN));
    }
    sessions.push({ start, end });
    start = next;
  }
  return sessions;
}

const logNormal = (rng: RandomStream, median: number, logSd: number) => median * Math.exp(logSd * rng.normal());

/**
 * A modelled CGM (Libre 3, G7, G6 by their specs) over one stay. `asleep` marks the minutes the person sleeps (compression lows happen then,
 * signal loss less often). read() gives the value the sensor records for the minute (as stored
 * after the app back-fills signal loss; a warm-up or failure bridged by the next sensor, as if worn
 * overlapping); hasReading() whether the person and their controller saw a reading then.
 */
export class ModelledCgm implements CgmSensor {
  readonly trace: SensorTrace;
  private readonly gain: Float64Array;
  private readonly offsetMgdl: Float64Array;
  private readonly isSample: Uint8Array;
  private heldMgdl = Number.NaN;
  private readonly lowestMgdl: number;
  private readonly highestMgdl: number;

  constructor(streams: SensorStreams, device: CgmDevice, totalMinutes: number, asleep: Uint8Array) {
    const spec = CGM_DEVICE_SPECS[device];
    [this.lowestMgdl, this.highestMgdl] = spec.reportingRangeMgdl;
    const sessions = planSessions(streams.sessions, spec, totalMinutes);
    this.gain = new Float64Array(totalMinutes);
    this.offsetMgdl = new Float64Array(totalMinutes);
    this.isSample = new Uint8Array(totalMinutes);
    const state = new Uint8Array(totalMinutes);
    const dayOfWear = new Float32Array(totalMinutes);
    const compressionMgdl = new Float32Array(totalMinutes);
    const compressionStarts: number[] = [];
    const step = spec.readingIntervalMinutes;

    // Each sensor's error applies from its insertion until the next sensor's.
    sessions.forEach((session, s) => {
      const parameters = drawSensorErrorParameters(streams.calibration, spec.errorScale);
      const noise = step === MODEL_SAMPLE_MINUTES ? parameters : ar2AtShorterStep(parameters, MODEL_SAMPLE_MINUTES / step);
      const sigmaW = noise.sigmaW * spec.errorScale;
      const until = Math.min(totalMinutes, s + 1 < sessions.length ? sessions[s + 1]!.start : totalMinutes);
      let previous = 0,
        beforePrevious = 0,
        noiseMgdl = 0;
      for (let minute = session.start; minute < until; minute++) {
        const sinceStart = minute - session.start;
        const days = sinceStart / 1440;
        if (sinceStart % step === 0) {
          const sd = sigmaW * (1 + spec.earlyWearExtra * Math.exp(-days / EARLY_WEAR_DAYS));
          noiseMgdl = noise.phi1 * previous + noise.phi2 * beforePrevious + sd * streams.noise.normal();
          beforePrevious = previous;
          previous = noiseMgdl;
        }
        if (minute < 0) continue;
        this.isSample[minute] = sinceStart % step === 0 ? 1 : 0;
        this.gain[minute] = calibrationGain(parameters, (days * DRIFT_FITTED_DAYS) / Math.max(DRIFT_FITTED_DAYS, spec.wearDays));
        this.offsetMgdl[minute] = parameters.b0 + noiseMgdl;
        dayOfWear[minute] = days;
        if (sinceStart < spec.warmUpMinutes) state[minute] = SensorState.WarmUp;
        else if (minute >= session.end) state[minute] = SensorState.Failed;
      }
    });
    if (!this.isSample[0]) this.isSample[0] = 1;

    // Compression lows: events arrive at a rate per minute asleep (a Poisson process over sleep).
    const compression = streams.compression;
    const sideSleeper = bernoulli(compression, SIDE_SLEEPER_SHARE);
    const eventsPerMinute = (COMPRESSION_EVENTS_PER_SLEEP_HOUR / 60) * (sideSleeper ? SIDE_SLEEPER_FACTOR : OTHER_SLEEPER_FACTOR);
    let untilEvent = -Math.log(1 - compression.uniform());
    for (let minute = 0; minute < totalMinutes; minute++) {
      if (!asleep[minute]) continue;
      untilEvent -= eventsPerMinute;
      if (untilEvent > 0) continue;
      untilEvent = -Math.log(1 - compression.uniform());
      compressionStarts.push(minute);
      const duration = Math.min(COMPRESSION_MAX_MIN, Math.round(logNormal(compression, COMPRESSION_MEDIAN_MIN, COMPRESSION_LOG_SD)));
      const depth = Math.min(60, logNormal(compression, COMPRESSION_DEPTH_MEDIAN_MGDL, COMPRESSION_DEPTH_LOG_SD));
      const fadeEnd = Math.min(totalMinutes, minute + duration + 5 * COMPRESSION_TIME_CONSTANT_MIN);
      for (let m = minute; m < fadeEnd; m++)
        compressionMgdl[m]! += compressionArtefactMgdl(depth, duration, COMPRESSION_TIME_CONSTANT_MIN, m - minute);
    }
    for (let minute = 0; minute < totalMinutes; minute++) this.offsetMgdl[minute]! += compressionMgdl[minute]!;

    // Signal loss: a hazard per minute (lower asleep), gaps of the mixture above.
    const signal = streams.signalLoss;
    let hazardLeft = -Math.log(1 - signal.uniform());
    for (let minute = 0; minute < totalMinutes; minute++) {
      hazardLeft -= SIGNAL_LOSS_PER_AWAKE_MINUTE * (asleep[minute] ? SIGNAL_LOSS_ASLEEP_FACTOR : 1);
      if (hazardLeft > 0) continue;
      const length =
        signal.uniform() < SHORT_GAP_SHARE
          ? Math.min(19, 1 + Math.floor(Math.log(1 - signal.uniform()) / Math.log(1 - 1 / SHORT_GAP_MEAN_MIN)))
          : Math.min(LONG_GAP_MAX_MIN, Math.max(20, Math.round(logNormal(signal, LONG_GAP_MEDIAN_MIN, LONG_GAP_LOG_SD))));
      const end = Math.min(totalMinutes, minute + length);
      for (let m = minute; m < end; m++) if (state[m] === SensorState.Reading) state[m] = SensorState.SignalLoss;
      minute = end - 1;
      hazardLeft = -Math.log(1 - signal.uniform());
    }
    // A device that reads every few minutes: the minutes after a sample share its fate (held, or missing).
    for (let minute = 1; minute < totalMinutes; minute++) if (!this.isSample[minute]) state[minute] = state[minute - 1]!;
    const sensorStarts = sessions.map((s) => s.start).filter((start) => start >= 0);
    this.trace = { state, dayOfWear, compressionMgdl, sensorStarts, compressionStarts };
  }

  /** The value recorded for `minute`, from interstitial glucose now (a new sample) or the reading held since the last sample. */
  read(minute: number, interstitialMgdl: number): number {
    if (this.isSample[minute] || Number.isNaN(this.heldMgdl)) {
      const value = this.gain[minute]! * interstitialMgdl + this.offsetMgdl[minute]!;
      this.heldMgdl = Math.round(Math.min(this.highestMgdl, Math.max(this.lowestMgdl, value)));
    }
    return this.heldMgdl;
  }

  /** Whether a reading was there, live, at `minute` (none during warm-up, failure and signal loss). */
  hasReading(minute: number): boolean {
    return this.trace.state[minute] === SensorState.Reading;
  }
}

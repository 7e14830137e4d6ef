// The realism report's CGM section: the dataset's first patients simulated again (same seed, index
// and options, so the same people, sensors and readings) with the truth and the sensor's own record
// beside them, which the tables do not carry.
import { drawPatientProfile } from '../cohort/patientProfile.ts';
import { simulatedMinutes } from '../config/config.ts';
import { ActivityKind } from '../domain/activity.ts';
import { F } from '../domain/features.ts';
import { forecastTailMinutes } from '../dataset/horizons.ts';
import { simulatePatient } from '../simulation/simulatePatient.ts';
import type { Manifest } from '../storage/manifest.ts';
import { addToSensorStudy, emptySensorStudy, sensorStudyReport, type SensorStudyReport } from './sensorStudy.ts';

/** Patients the CGM section simulates again: ~1,200 patient-days, ~15 s on one core. */
export const SENSOR_STUDY_PATIENTS = 400;

/** The CGM section for a dataset of schema ≥ 4 (earlier datasets were written by another sensor model: undefined). */
export function studyDatasetSensors(manifest: Manifest, maxPatients = SENSOR_STUDY_PATIENTS): SensorStudyReport | undefined {
  if (manifest.schemaVersion < 4 || manifest.runs.length === 0) return undefined;
  const device = manifest.runs[0]!.config.cgmDevice;
  const study = emptySensorStudy(device);
  for (const run of manifest.runs) {
    const { config } = run;
    const visibleMinutes = simulatedMinutes(config);
    const totalMinutes = visibleMinutes + forecastTailMinutes(config.forecastHorizonsMinutes);
    for (let offset = 0; offset < run.numPatients && study.patients < maxPatients; offset++) {
      const profile = drawPatientProfile(config.randomSeed, run.firstPatientIndex + offset, config);
      const series = simulatePatient(config.randomSeed, profile, totalMinutes, { cgmDevice: device });
      const asleep = series.timeline.activityKind.map((kind) => (kind === ActivityKind.Sleep ? 1 : 0));
      addToSensorStudy(study, series.signals[F.glucose_mgdl]!, series.bloodGlucoseMgdl, series.sensor, asleep, visibleMinutes);
    }
  }
  return sensorStudyReport(study);
}

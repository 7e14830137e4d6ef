// The smallest and largest patient_id and timestamp of a part file, gathered while its rows stream
// past the encoder (one patient's rows at a time, in time order), for Delta's per-file statistics.
import type { RecordBatch } from 'apache-arrow';
import type { ColumnBounds } from '../storage/manifest.ts';

export class FileBounds {
  private minPatient: string | undefined;
  private maxPatient: string | undefined;
  private minTimeMs = Infinity;
  private maxTimeMs = -Infinity;

  /** One patient's rows in time order (a time-series sink call), or demographics rows (no timestamp). */
  observe(rows: RecordBatch): void {
    if (rows.numRows === 0) return;
    const last = rows.numRows - 1;
    const patients = rows.getChild('patient_id')!;
    const times = rows.getChild('timestamp');
    // A time-series call holds one patient: its first row names it. Demographics (a row per patient) are all read.
    for (let index = 0; index <= (times ? 0 : last); index++) {
      const patient = String(patients.get(index));
      if (this.minPatient === undefined || patient < this.minPatient) this.minPatient = patient;
      if (this.maxPatient === undefined || patient > this.maxPatient) this.maxPatient = patient;
    }
    if (!times) return;
    this.minTimeMs = Math.min(this.minTimeMs, Number(times.get(0)));
    this.maxTimeMs = Math.max(this.maxTimeMs, Number(times.get(last)));
  }

  bounds(): ColumnBounds | undefined {
    if (this.minPatient === undefined || this.maxPatient === undefined) return undefined;
    const min: Record<string, string> = { patient_id: this.minPatient };
    const max: Record<string, string> = { patient_id: this.maxPatient };
    if (Number.isFinite(this.minTimeMs)) {
      min.timestamp = new Date(this.minTimeMs).toISOString();
      max.timestamp = new Date(this.maxTimeMs).toISOString();
    }
    return { min, max };
  }
}

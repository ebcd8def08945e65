// The fields of each catalog form, in the catalog's own vocabulary (common/catalog.ts), and
// turning what was typed into the input the catalog validates.
import { CONSENT_VALUES, INCIDENT_TYPES, PERSON_STATUSES, SEX_VALUES, caseInputSchema, incidentInputSchema, personInputSchema, placeInputSchema } from '../../../electron/common/catalog.ts';
import type { CatalogEntity, CatalogInput } from '../../../electron/common/ipc.ts';

export interface FieldSpec {
  key: string;
  type: 'text' | 'number' | 'textarea' | 'select' | 'multi' | 'date';
  options?: readonly string[];
  /** A date field that takes a year alone or a month and year (partialDateSchema). */
  partial?: boolean;
  /** A date field with a time after it (dateTimeSchema). */
  withTime?: boolean;
  required?: boolean;
}

export const FORMS: Record<CatalogEntity, FieldSpec[]> = {
  place: [
    { key: 'nameEn', type: 'text', required: true }, { key: 'nameKy', type: 'text' }, { key: 'nameRu', type: 'text' },
    { key: 'district', type: 'text' }, { key: 'kind', type: 'text' }, { key: 'lat', type: 'number' }, { key: 'lon', type: 'number' },
    { key: 'notes', type: 'textarea' },
  ],
  person: [
    { key: 'name', type: 'text', required: true }, { key: 'nameLatin', type: 'text' }, { key: 'sex', type: 'select', options: SEX_VALUES },
    { key: 'birthDate', type: 'date', partial: true }, { key: 'statuses', type: 'multi', options: PERSON_STATUSES }, { key: 'harmDate', type: 'date', partial: true },
    { key: 'consent', type: 'select', options: CONSENT_VALUES }, { key: 'description', type: 'textarea' },
  ],
  incident: [
    { key: 'title', type: 'text', required: true }, { key: 'type', type: 'select', options: INCIDENT_TYPES, required: true },
    { key: 'startedAt', type: 'date', withTime: true }, { key: 'endedAt', type: 'date', withTime: true }, { key: 'description', type: 'textarea' },
  ],
  case: [
    { key: 'authority', type: 'text', required: true }, { key: 'caseNumber', type: 'text', required: true }, { key: 'openedOn', type: 'date', partial: true },
    { key: 'description', type: 'textarea' },
  ],
};

const SCHEMAS = { place: placeInputSchema, person: personInputSchema, incident: incidentInputSchema, case: caseInputSchema };

export type FormValues = Record<string, string | string[]>;

/** Form values from a stored row's fields (for editing). */
export function valuesOf(entity: CatalogEntity, fields: Record<string, unknown>): FormValues {
  const out: FormValues = {};
  for (const f of FORMS[entity]) {
    const v = fields[f.key];
    out[f.key] = f.type === 'multi' ? (Array.isArray(v) ? v.map(String) : []) : v === null || v === undefined ? '' : String(v);
  }
  return out;
}

/**
 * The catalog input for `values`, validated by the catalog's schema: `{ ok: true, data }`, or
 * the invalid fields with the schema's messages. Empty text is left out on create and cleared
 * (null) on edit.
 */
export function toInput(entity: CatalogEntity, values: FormValues, editing: boolean): { ok: true; data: CatalogInput } | { ok: false; errors: Record<string, string> } {
  const raw: Record<string, unknown> = {};
  for (const f of FORMS[entity]) {
    const v = values[f.key];
    if (f.type === 'multi') raw[f.key] = v ?? [];
    else if (typeof v === 'string' && v.trim() !== '') raw[f.key] = f.type === 'number' ? Number(v.replace(',', '.')) : v.trim();
    else if (editing && !f.required) raw[f.key] = null;
  }
  const r = SCHEMAS[entity].safeParse(raw);
  if (!r.success) {
    const errors: Record<string, string> = {};
    for (const i of r.error.issues) errors[String(i.path[0] ?? '')] ??= i.message;
    return { ok: false, errors };
  }
  return { ok: true, data: { entity, input: r.data } as CatalogInput };
}

/**
 * A subject of a Snapshot as ODM `SubjectData`: SE.SUBJECT with the subject's own record and the
 * records kept for it (medications, infusions, adverse events, eligibility, ...), then one
 * StudyEventData per visit (odm-events.ts) with the visit's core set, its laboratory values and
 * the records kept for the visit (joint findings, CHAQ answers, ...). Each record's last change
 * is its group's AuditRecord; the latest signature of a visit or of the casebook its event's or
 * the subject's Signature (ODM 1.3.2 allows one per element: every signature is in the
 * Transactional file, where it was given, written by the same writeSignature).
 */
import type { RecordTypeId } from '@jia-trial/dictionary';
import {
  type AuditStamp,
  type ExchangeRecord,
  pushTo,
  recordsOf,
  type SignatureStamp,
  type SubjectRecords,
} from '../exchange/study-data.js';
import { escapeXml, type XmlText } from '../exchange/xml-text.js';
import { locationOid, signatureDefOid, userOid } from './odm-admin.js';
import type { VisitEvent } from './odm-events.js';
import {
  type OdmForm,
  type OdmGroup,
  type OdmItem,
  repeatKeyOf,
  SUBJECT_EVENT_OID,
} from './odm-layout.js';

export function writeAuditRecord(xml: XmlText, stamp: AuditStamp, site: string | null): void {
  xml.start('AuditRecord');
  xml.leaf('UserRef', { UserOID: userOid(stamp.actorId) });
  xml.leaf('LocationRef', { LocationOID: locationOid(stamp.site ?? site) });
  xml.leaf('DateTimeStamp', {}, stamp.at);
  if (stamp.reason) xml.leaf('ReasonForChange', {}, stamp.reason);
  xml.leaf('SourceID', {}, `audit_event ${stamp.eventId}`);
  xml.end();
}

export function writeSignature(xml: XmlText, signature: SignatureStamp, site: string | null): void {
  xml.start('Signature');
  xml.leaf('UserRef', { UserOID: userOid(signature.signerActorId) });
  xml.leaf('LocationRef', { LocationOID: locationOid(site) });
  xml.leaf('SignatureRef', { SignatureOID: signatureDefOid(signature.meaning) });
  xml.leaf('DateTimeStamp', {}, signature.at);
  xml.end();
}

/** An item's ItemData before its value, and as an explicit null: made once per item. */
interface ItemMarkup {
  readonly value: string;
  readonly isNull: string;
}

const itemMarkup = new WeakMap<OdmItem, ItemMarkup>();

function markupOf(item: OdmItem): ItemMarkup {
  let markup = itemMarkup.get(item);
  if (markup === undefined) {
    const oid = escapeXml(item.oid);
    markup = {
      value: `<ItemData ItemOID="${oid}" Value="`,
      isNull: `<ItemData ItemOID="${oid}" IsNull="Yes"/>`,
    };
    itemMarkup.set(item, markup);
  }
  return markup;
}

/** An item's explicit null (an update that empties a field, a CHAQ answer not applicable). */
export function writeNullItem(xml: XmlText, item: OdmItem): void {
  xml.line(markupOf(item).isNull);
}

/** The item values of a record in a group: one ItemData per non-empty field. */
export function writeItems(xml: XmlText, group: OdmGroup, record: ExchangeRecord): void {
  for (const item of group.items) {
    const value = record.texts.get(item.field.name);
    if (value === undefined) continue;
    // A CHAQ answer "not applicable" is stored as NULL: in ODM an explicit null.
    if (item.field.type === 'chaq_score' && value === 'na') writeNullItem(xml, item);
    else xml.line(`${markupOf(item).value}${escapeXml(value)}"/>`);
  }
}

export function writeGroup(
  xml: XmlText,
  group: OdmGroup,
  record: ExchangeRecord,
  site: string | null,
  transactionType?: string,
): void {
  xml.start('ItemGroupData', {
    ItemGroupOID: group.oid,
    ItemGroupRepeatKey: group.repeating
      ? repeatKeyOf(group.record, (f) => record.texts.get(f) ?? '')
      : undefined,
    TransactionType: transactionType,
  });
  if (record.lastChange) writeAuditRecord(xml, record.lastChange, site);
  writeItems(xml, group, record);
  xml.end();
}

/** The forms of one event kind with their records (only forms that hold any). */
function writeForms(
  xml: XmlText,
  forms: readonly OdmForm[],
  recordsFor: (type: RecordTypeId) => readonly ExchangeRecord[],
  site: string | null,
): void {
  for (const form of forms) {
    // A group without any value (a visit without laboratory values) is left out.
    const records = recordsFor(form.group.record.id).filter((r) =>
      form.group.items.some((item) => r.texts.has(item.field.name)),
    );
    if (records.length === 0) continue;
    xml.start('FormData', { FormOID: form.oid });
    for (const record of records) writeGroup(xml, form.group, record, site);
    xml.end();
  }
}

const latest = (signatures: readonly SignatureStamp[]) =>
  signatures.reduce<SignatureStamp | null>((a, b) => (a === null || b.at >= a.at ? b : a), null);

export function writeSubject(
  xml: XmlText,
  forms: readonly OdmForm[],
  subject: SubjectRecords,
  events: ReadonlyMap<string, VisitEvent>,
): void {
  const own = recordsOf(subject, 'subject')[0];
  const site = own?.texts.get('site') ?? null;
  xml.start('SubjectData', { SubjectKey: subject.subjectId });
  const casebook = latest(subject.signatures.filter((s) => s.visitId === null));
  if (casebook) writeSignature(xml, casebook, site);
  if (site !== null) xml.leaf('SiteRef', { LocationOID: locationOid(site) });

  xml.start('StudyEventData', { StudyEventOID: SUBJECT_EVENT_OID });
  writeForms(
    xml,
    forms.filter((f) => f.event === 'subject'),
    (type) => recordsOf(subject, type),
    site,
  );
  xml.end();

  const visitForms = forms.filter((f) => f.event === 'visit');
  // The records kept for each visit, by record type.
  const byVisit = new Map<string, Map<RecordTypeId, ExchangeRecord[]>>();
  for (const form of visitForms) {
    const type = form.group.record.id;
    if (type === 'visit') continue;
    for (const record of recordsOf(subject, type)) {
      const visitId = record.texts.get('visit_id') ?? '';
      const types = byVisit.get(visitId) ?? new Map<RecordTypeId, ExchangeRecord[]>();
      byVisit.set(visitId, types);
      pushTo(types, type, record);
    }
  }
  for (const visit of recordsOf(subject, 'visit')) {
    const visitId = visit.texts.get('visit_id') ?? '';
    const event = events.get(visitId);
    if (!event) throw new RangeError(`visit ${visitId} has no study event`);
    xml.start('StudyEventData', { StudyEventOID: event.oid, StudyEventRepeatKey: event.repeatKey });
    const signature = latest(subject.signatures.filter((s) => s.visitId === visitId));
    if (signature) writeSignature(xml, signature, site);
    writeForms(
      xml,
      visitForms,
      (type) => (type === 'visit' ? [visit] : (byVisit.get(visitId)?.get(type) ?? [])),
      site,
    );
    xml.end();
  }
  xml.end();
}

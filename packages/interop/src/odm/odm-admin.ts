/**
 * ODM AdminData: a `User` per actor of the study's audit trail and signatures (no credentials:
 * the login and the name only), a `Location` per site (and one for the study as a whole, where a
 * change is not made in any site's records), and a `SignatureDef` per signature meaning, so that
 * every UserRef, LocationRef and SignatureRef of the clinical data resolves.
 */
import { CODE_LISTS } from '@jia-trial/dictionary';
import { type ExchangeStudy, isUserActor } from '../exchange/study-data.js';
import type { XmlText } from '../exchange/xml-text.js';

export const userOid = (actorId: string) => `USR.${actorId}`;
export const locationOid = (site: string | null) => (site === null ? 'LOC.STUDY' : `LOC.${site}`);
export const signatureDefOid = (meaning: string) => `SD.${meaning.toUpperCase()}`;

/**
 * What a signature means in law: 21 CFR 11.50(a)(3), "the meaning (such as review, approval,
 * responsibility, or authorship) associated with the signature".
 */
const LEGAL_REASON =
  'Electronic signature under 21 CFR Part 11 (11.50: printed name, date and time, and meaning of the signature)';

export function writeAdminData(
  xml: XmlText,
  study: ExchangeStudy,
  studyOid: string,
  metaDataVersionOid: string,
  effectiveDate: string,
): void {
  xml.start('AdminData', { StudyOID: studyOid });
  for (const actor of study.actors) {
    // An actor that is no account of the server (the command line, an import, jia-trial
    // itself) is written as a system user: UserType Other, organisation "system".
    xml.start('User', {
      OID: userOid(actor.id),
      UserType: isUserActor(actor.id) ? undefined : 'Other',
    });
    xml.leaf('LoginName', {}, actor.id);
    xml.leaf('DisplayName', {}, actor.name);
    if (!isUserActor(actor.id)) xml.leaf('Organization', {}, 'system (not a user account)');
    xml.end();
  }
  const sites: Array<{ code: string | null; name: string }> = [
    { code: null, name: `${study.studyId} (study-wide)` },
    ...study.sites.map((s) => ({ code: s.code, name: s.name ?? s.code })),
  ];
  for (const site of sites) {
    xml.start('Location', {
      OID: locationOid(site.code),
      Name: site.name,
      LocationType: site.code === null ? 'Sponsor' : 'Site',
    });
    xml.leaf('MetaDataVersionRef', {
      StudyOID: studyOid,
      MetaDataVersionOID: metaDataVersionOid,
      EffectiveDate: effectiveDate,
    });
    xml.end();
  }
  for (const meaning of CODE_LISTS.signature_meaning.codes) {
    xml.start('SignatureDef', { OID: signatureDefOid(meaning.code), Methodology: 'Electronic' });
    xml.leaf('Meaning', {}, meaning.label);
    xml.leaf('LegalReason', {}, LEGAL_REASON);
    xml.end();
  }
  xml.end();
}

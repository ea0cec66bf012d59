/**
 * Medicines authorised by the European Commission (centralised procedure, EMA product
 * information, SmPC section 4.1) for each ILAR category of JIA, each indication with the history
 * of its wording: from when, at what minimum age, and under which other conditions (body
 * weight, a TNF inhibitor before) a child was on label. A jurisdiction- and time-dependent fact
 * kept as data, keyed by ILAR category because labels differ between categories (a jia-trial
 * decision; protocols/msc-jia/README.md): the MSC-JIA criterion "failed every biological
 * registered for the patient's JIA category" reads it on the day of the first infusion.
 *
 * Compiled 2026-11-25, histories added 2026-11-26, from the EMA/EC texts and copies each
 * version names; protocols/data/ema-jia-indications.md has the wording read, the mapping to
 * ILAR categories and the open questions. Evidence of each version (its wording and its date
 * together: the weaker decides): V read at an EMA/EC text or a verbatim copy of one, S secondary
 * (a company announcement, news, a review), M unconfirmed. No Commission decision itself was
 * read: dates are ranges between what was read (a CHMP opinion, an announcement, the next text
 * carrying the change), a month or a year, or null where nothing was found. The engine treats
 * every day inside such a period as open (medicines.ts `registrationOn`).
 * "Polyarticular JIA" without mention of extended oligoarthritis (adalimumab, abatacept,
 * golimumab) is not mapped to extended oligoarthritis: a protocol that reads it otherwise
 * (NICE does) adds the rows.
 */
import type { IlarCategory } from '@jia-trial/outcomes';
import type { IndicationPeriod, RegisteredIndication } from '@jia-trial/protocol';

interface Label {
  readonly drug: string;
  readonly brand: string;
  readonly target: string;
  readonly kind: RegisteredIndication['kind'];
}

const ETANERCEPT: Label = {
  drug: 'etanercept',
  brand: 'Enbrel',
  target: 'TNF',
  kind: 'biological',
};
const ADALIMUMAB: Label = {
  drug: 'adalimumab',
  brand: 'Humira',
  target: 'TNF',
  kind: 'biological',
};
const GOLIMUMAB: Label = { drug: 'golimumab', brand: 'Simponi', target: 'TNF', kind: 'biological' };
const ABATACEPT: Label = {
  drug: 'abatacept',
  brand: 'Orencia',
  target: 'CTLA4-Ig',
  kind: 'biological',
};
const TOCILIZUMAB: Label = {
  drug: 'tocilizumab',
  brand: 'RoActemra',
  target: 'IL-6',
  kind: 'biological',
};
const CANAKINUMAB: Label = {
  drug: 'canakinumab',
  brand: 'Ilaris',
  target: 'IL-1',
  kind: 'biological',
};
const ANAKINRA: Label = { drug: 'anakinra', brand: 'Kineret', target: 'IL-1', kind: 'biological' };
const SECUKINUMAB: Label = {
  drug: 'secukinumab',
  brand: 'Cosentyx',
  target: 'IL-17A',
  kind: 'biological',
};
const TOFACITINIB: Label = {
  drug: 'tofacitinib',
  brand: 'Xeljanz',
  target: 'JAK',
  kind: 'tsDMARD',
};
const BARICITINIB: Label = {
  drug: 'baricitinib',
  brand: 'Olumiant',
  target: 'JAK',
  kind: 'tsDMARD',
};

/** One row per ILAR category the indication's wording covers, all with the same history. */
function indication(
  label: Label,
  categories: readonly IlarCategory[],
  history: readonly IndicationPeriod[],
): RegisteredIndication[] {
  return categories.map((ilarCategory) => ({ ...label, ilarCategory, history: [...history] }));
}

const POLY = ['polyarticular_rf_negative', 'polyarticular_rf_positive'] as const;

// The Commission decides on a variation within two months of the CHMP opinion (EMA, "Procedural
// steps taken and scientific information after the authorisation", footnote 2, Enbrel copy
// read on pdfslide.us; Regulation (EC) No 1234/2008 art. 23(1a)(a), as amended by 712/2012,
// from August 2013): the upper bound of the ranges below that start at a CHMP opinion.

export const EMA_JIA_INDICATIONS: readonly RegisteredIndication[] = [
  ...indication(ETANERCEPT, POLY, [
    {
      from: '2000-02',
      minAgeYears: 4,
      evidence: 'M',
      source:
        "Initial EU marketing authorisation EMEA/H/C/000262 'Authorised February 2, 2000' (MedPath copy of the EMA listing) [S]; older EPAR summary copy (theodora.com): 'polyarticular JIA in patients aged four to 17 years' [S]; NICE TA35 recommends it for 'children aged 4 to 17 years' [S, read]; that pJIA was in the 2000 initial indication is unconfirmed [M]",
    },
    {
      from: '2008-11..2012-08',
      minAgeYears: 2,
      evidence: 'M',
      source:
        "CHMP opinion lowering pJIA from 4 to 2 years and plaque psoriasis from 8 to 6 years (pharmastar.it news 6117: 'a partire dai 2 anni di età (adesso si può prescrivere a partire dai 4 anni)') [S]; lower bound: the CHMP opinion of 2008-11-20 introducing psoriasis from 8 years (EMEA/CHMP/594954/2008, docstoc copy, read) [V]; upper bound: the news precedes the same site's 2012 report of the five-subtype extension (an inference from its order, [M]); current SmPC 4.1 'from the age of 2 years' (Pfizer UK/IE HCP pages) [V]",
    },
  ]),
  ...indication(
    ETANERCEPT,
    ['oligoarticular_extended'],
    [
      {
        from: '2012',
        minAgeYears: 2,
        evidence: 'S',
        source:
          "SmPC 4.1 'polyarthritis (rheumatoid factor positive or negative) and extended oligoarthritis in children and adolescents from the age of 2 years' (Pfizer UK/IE HCP pages) [V]; EU extension to five JIA subtypes reported by PharmaTimes 2012-08-09 and pharmastar.it (news 8836) [S]; EC decision date not read (Enbrel II/145 assessment report listed 2012-08-23 on the MedPath copy of the EMA page)",
      },
    ],
  ),
  ...indication(
    ETANERCEPT,
    ['psoriatic', 'enthesitis_related'],
    [
      {
        from: '2012',
        minAgeYears: 12,
        evidence: 'S',
        source:
          "SmPC 4.1 'psoriatic arthritis in adolescents from the age of 12 years ... enthesitis-related arthritis in adolescents from the age of 12 years' (Pfizer UK/IE HCP pages) [V]; date per PharmaTimes 2012-08-09 and pharmastar.it [S]; EC decision date not read",
      },
    ],
  ),
  ...indication(ADALIMUMAB, POLY, [
    {
      from: '2008',
      minAgeYears: 13,
      evidence: 'S',
      source:
        "First EU pJIA authorisation: Abbott announcement via pharmabiz, 'adolescents aged 13 to 17' [S]; RF status not stated in the SmPC: mapped to both RF categories",
    },
    {
      from: '2008..2013-04',
      minAgeYears: 4,
      evidence: 'M',
      source:
        "Sources conflict: AbbVie's 2014 release (pharmaceuticalprocessingworld) says 'approved in 2008 for ... ages 4 to 17 years' [S], Abbott's 2008 release '13 to 17' [S]; when 4-12 years were added was not found [M]",
    },
    {
      from: '2013-01..2013-04',
      minAgeYears: 2,
      evidence: 'S',
      source:
        "CHMP recommendation 'aged 2 to 17 years' (medthority 2013-01) [S]; EC approval reported 2013-04-03 (thepharmaletter) [S]; current SmPC 4.1 'from the age of 2 years' (EC register h256) [V]",
    },
  ]),
  ...indication(
    ADALIMUMAB,
    ['enthesitis_related'],
    [
      {
        from: '2014-07..2014-09',
        minAgeYears: 6,
        evidence: 'S',
        source:
          "SmPC 4.1 'active enthesitis-related arthritis in patients, 6 years of age and older' (Annex I copies: docslib.org/doc/3247075, healthdocbox) [V]; CHMP extension-of-indication assessment report EMEA/H/C/0481/II/127, London 24 July 2014 (pdfslide and healthdocbox copies, read) [V]; EC decision within two months of the opinion (see above) [S]",
      },
    ],
  ),
  ...indication(GOLIMUMAB, POLY, [
    {
      from: '2016-05..2016-06',
      minAgeYears: 0,
      minWeightKg: 40,
      evidence: 'S',
      source:
        "2016 wording 'children with a body weight of at least 40 kg' (older Annex I copy, fdocument.org) [S]; CHMP opinion 2016-05-26 (EMEA/H/C/000992/II/0063) and EC approval announced by Janssen 2016-06-30 (biospace) [S]",
    },
    {
      from: '2018-12..2019-02',
      minAgeYears: 2,
      minWeightKg: 40,
      evidence: 'S',
      source:
        "CHMP 2018-12-13 (EMA/CHMP/833171/2018): 'children 2 years of age and older with a body weight of at least 40 kg', with the 45 mg pen [S]; EC decision within two months (see above) [S]",
    },
    {
      from: null,
      minAgeYears: 2,
      evidence: 'M',
      source:
        "Current SmPC 4.1 'children 2 years of age and older' without a weight limit (Simponi 50 mg and 45 mg/0.45 mL Annex I copies; EC annex FR 2024-02-01) [V]; when the weight limit was dropped was not found [M]",
    },
  ]),
  ...indication(ABATACEPT, POLY, [
    {
      from: '2009..2010-01',
      minAgeYears: 6,
      afterTnfInhibitor: true,
      evidence: 'S',
      source:
        "EC register h389, 2010 wording: 'paediatric patients 6 years of age and older who have had an insufficient response to other DMARDs including at least one TNF inhibitor' [V]; NICE TA373 restates it [S, read]; EC approval announced 2010-01-26 (thepharmaletter) [S]; review PMC7995584 Table 6 says 2009 [S]",
    },
    {
      from: '2019-01..2019-03',
      minAgeYears: 2,
      evidence: 'S',
      source:
        "CHMP summary of opinion EMA/CHMP/917551/2019 of 2019-01-31 (123dok copy): SC 'paediatric patients 2 years of age and older who have had an inadequate response to previous DMARD therapy', IV from 6 years without the TNF-inhibitor prerequisite [V]; EC decision within two months (see above) [S]",
    },
  ]),
  ...indication(
    TOCILIZUMAB,
    ['systemic'],
    [
      {
        from: '2011..2011-08',
        minAgeYears: 2,
        evidence: 'S',
        source:
          "EC register h492 (IV): 'active systemic juvenile idiopathic arthritis (sJIA) in patients 2 years of age and older' [V]; EC approval reported by PharmaTimes and thepharmaletter 2011-08-04 ('just last week', thepharmaletter 2011-08-11) [S]; zonebourse 2018-09-21: 'En 2011, la Commission européenne avait homologué la formulation intraveineuse ... 2 ans et plus' [S]",
      },
      {
        from: '2018-09..2021',
        minAgeYears: 1,
        evidence: 'S',
        source:
          "Subcutaneous formulation for sJIA from 1 year: CHMP recommendation reported 2018-09-21 (zonebourse) [S]; review PMC7995584 (2021) Table 6 '>=1 years SJIA' [S]; the SmPC text and the EC decision date were not read",
      },
    ],
  ),
  ...indication(
    TOCILIZUMAB,
    [...POLY, 'oligoarticular_extended'],
    [
      {
        from: '2013-04..2013-06',
        minAgeYears: 2,
        evidence: 'S',
        source:
          "EC register h492: 'juvenile idiopathic polyarthritis (pJIA; rheumatoid factor positive or negative and extended oligoarthritis) in patients 2 years of age and older' [V]; CHMP variation assessment report EMEA/H/C/000955/II/0026 of 25 April 2013 (pdffox copy, read) [V]; EU approval announced 2013-06-10 (medthority, Reuters) [S]",
      },
    ],
  ),
  ...indication(
    CANAKINUMAB,
    ['systemic'],
    [
      {
        from: '2013..2013-09',
        minAgeYears: 2,
        evidence: 'S',
        source:
          "CHMP post-authorisation summary of opinion 2016-06-23 (Still's disease incl. AOSD and SJIA, 2 years and older; ema.europa.eu) [V]; sJIA first approved by the EC: Novartis announcement reported 2013-09-03 (Reuters) [S]; EC decision date not read",
      },
    ],
  ),
  ...indication(
    ANAKINRA,
    ['systemic'],
    [
      {
        from: '2018-04',
        minAgeYears: 0.67,
        minWeightKg: 10,
        evidence: 'S',
        source:
          "SmPC 4.1 (emc product 559): 'adults, adolescents, children and infants aged 8 months and older with a body weight of 10 kg or above ... Still's disease, including Systemic Juvenile Idiopathic Arthritis (SJIA)' [V]; EMA news 'new treatment option for rare inflammatory disease' [V]; EC approval April 2018 (patientworthy 2018-04-19, juvenilearthritisnews) [S]",
      },
    ],
  ),
  ...indication(
    SECUKINUMAB,
    ['psoriatic', 'enthesitis_related'],
    [
      {
        from: '2022-05..2022-06',
        minAgeYears: 6,
        evidence: 'S',
        source:
          "EMA EPAR overview text (MedPath copy): 'ERA and JPsA, in patients from 6 years of age' [V]; CHMP 2022-05-20 and EC approval announced by Novartis 2022-06-27 (seekingalpha, indianpharmapost) [S]; SmPC 4.1 verbatim not read",
      },
    ],
  ),
  ...indication(
    TOFACITINIB,
    [...POLY, 'oligoarticular_extended', 'psoriatic'],
    [
      {
        from: '2021-08',
        minAgeYears: 2,
        evidence: 'S',
        source:
          "SmPC 4.1 (verbatim copy, otc-online-store.com): 'polyarticular juvenile idiopathic arthritis (rheumatoid factor positive [RF+] or negative [RF-] polyarthritis and extended oligoarthritis), and juvenile psoriatic arthritis (PsA) in patients 2 years of age and older' [V]; EC approval announced by Pfizer 2021-08-20 (maestrodatabase) [S]",
      },
    ],
  ),
  ...indication(BARICITINIB, POLY, [
    {
      from: null,
      minAgeYears: 2,
      evidence: 'M',
      source:
        "SmPC 4.1 (emc product 7486, medthority): 'active juvenile idiopathic arthritis in patients 2 years of age and older ... - Polyarticular juvenile idiopathic arthritis (polyarticular rheumatoid factor ...' (excerpt truncated) [V]; EU approval date not found [M]",
    },
  ]),
  ...indication(
    BARICITINIB,
    ['oligoarticular_extended', 'enthesitis_related', 'psoriatic'],
    [
      {
        from: null,
        minAgeYears: 2,
        evidence: 'M',
        source:
          'Sub-bullet text not seen in the excerpt; JUVE-BASIS phase 3 population (polyarticular and extended oligoarticular, ERA, JPsA) per imidforum summary [S]; date not found [M]',
      },
    ],
  ),
];

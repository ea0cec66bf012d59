/**
 * The body map: the 71 joints of the catalogue on a front-view figure, each a focusable control
 * named by its joint and its findings. Arrow keys move between joints (one tab stop for the
 * whole map), Enter or Space selects a joint for the findings panel, and S, T, L toggle its
 * findings directly. Findings are drawn as shapes and letters, never colour alone: swollen a
 * hatched fill, tender a dashed ring, limited a bar, and the letters S, T, L beneath; a joint
 * with any finding has a heavy outline.
 */
import { fieldOf, recordType } from '@jia-trial/dictionary';
import { isActiveJoint } from '@jia-trial/outcomes';
import { type KeyboardEvent, useRef, useState } from 'react';
import './BodyMap.css';
import {
  FOOT_BOXES,
  HAND_BOXES,
  jointLabel,
  nextJoint,
  PLACED_JOINTS,
  VIEW_BOX,
} from './body-map-layout';

export interface JointState {
  readonly swollen: boolean;
  readonly tender: boolean;
  readonly limited: boolean;
}
export type Finding = keyof JointState;
export type JointStates = Readonly<Record<string, JointState>>;

export const NO_FINDING: JointState = { swollen: false, tender: false, limited: false };
const FINDINGS: readonly Finding[] = ['swollen', 'tender', 'limited'];
/** The findings' names: the field dictionary's labels of a joint finding. */
export const FINDING_LABEL: Readonly<Record<Finding, string>> = {
  swollen: fieldOf(recordType('joint_finding'), 'swollen').label,
  tender: fieldOf(recordType('joint_finding'), 'tender').label,
  limited: fieldOf(recordType('joint_finding'), 'limited').label,
};
const WORD: Readonly<Record<Finding, string>> = {
  swollen: 'swollen',
  tender: 'tender',
  limited: 'limited',
};
const LETTER: Readonly<Record<Finding, string>> = { swollen: 'S', tender: 'T', limited: 'L' };
const KEY_FINDING: Readonly<Record<string, Finding>> = { s: 'swollen', t: 'tender', l: 'limited' };
const ARROWS = {
  ArrowUp: 'up',
  ArrowDown: 'down',
  ArrowLeft: 'left',
  ArrowRight: 'right',
} as const;

export const hasFinding = (state: JointState | undefined) =>
  state !== undefined && (state.swollen || state.tender || state.limited);

/** Whether a joint is active (isActiveJoint of the outcome library: the definition's one place). */
export const isActive = (state: JointState) =>
  isActiveJoint({ swollen: state.swollen, painful: state.tender, limited: state.limited }) === true;

/** A joint's findings in words ("swollen, limited"; "no finding"). */
export function findingWords(state: JointState | undefined): string {
  const words = FINDINGS.filter((f) => state?.[f]).map((f) => WORD[f]);
  return words.length ? words.join(', ') : 'no finding';
}

export function BodyMap({
  states,
  onChange,
  disabled = false,
}: {
  readonly states: JointStates;
  readonly onChange: (code: string, state: JointState) => void;
  readonly disabled?: boolean;
}) {
  const [focused, setFocused] = useState<string>(PLACED_JOINTS[0]?.code ?? '');
  const [selected, setSelected] = useState<string | null>(null);
  const refs = useRef(new Map<string, SVGGElement>());
  const selectedJoint = PLACED_JOINTS.find((j) => j.code === selected);

  const toggle = (code: string, finding: Finding) => {
    if (disabled) return;
    const state = states[code] ?? NO_FINDING;
    onChange(code, { ...state, [finding]: !state[finding] });
  };
  const moveTo = (code: string | null) => {
    if (!code) return;
    setFocused(code);
    refs.current.get(code)?.focus();
  };
  const onKeyDown = (event: KeyboardEvent, joint: (typeof PLACED_JOINTS)[number]) => {
    const key = event.key;
    if (key in ARROWS) moveTo(nextJoint(joint, ARROWS[key as keyof typeof ARROWS]));
    else if (key === 'Home') moveTo(PLACED_JOINTS[0]?.code ?? null);
    else if (key === 'End') moveTo(PLACED_JOINTS.at(-1)?.code ?? null);
    else if (key === 'Enter' || key === ' ') setSelected(joint.code);
    else if (key.toLowerCase() in KEY_FINDING && !event.ctrlKey && !event.metaKey && !event.altKey)
      toggle(joint.code, KEY_FINDING[key.toLowerCase()] as Finding);
    else return;
    event.preventDefault();
  };

  return (
    <div className="body-map">
      <BodyMapLegend />
      <div className="body-map-panes">
        {/* biome-ignore lint/a11y/useSemanticElements: an SVG drawing cannot be a fieldset */}
        <svg
          className="body-map-figure"
          viewBox={`0 0 ${VIEW_BOX.width} ${VIEW_BOX.height}`}
          role="group"
          aria-label="Body map, front view: the patient's left is on your right"
        >
          <Patterns />
          <Figure />
          {PLACED_JOINTS.map((joint) => {
            const state = states[joint.code];
            const label = jointLabel(joint);
            return (
              // biome-ignore lint/a11y/useSemanticElements: an SVG shape cannot be an HTML button
              <g
                key={joint.code}
                ref={(el) => {
                  if (el) refs.current.set(joint.code, el);
                  else refs.current.delete(joint.code);
                }}
                role="button"
                tabIndex={joint.code === focused ? 0 : -1}
                aria-label={`${label}: ${findingWords(state)}`}
                aria-disabled={disabled || undefined}
                data-joint={joint.code}
                className={[
                  'bm-joint',
                  hasFinding(state) ? 'bm-marked' : '',
                  joint.code === selected ? 'bm-selected' : '',
                ].join(' ')}
                transform={`translate(${joint.x} ${joint.y})`}
                onClick={() => {
                  setFocused(joint.code);
                  setSelected(joint.code);
                }}
                onKeyDown={(e) => onKeyDown(e, joint)}
                onFocus={() => setFocused(joint.code)}
              >
                <JointMarker state={state} />
              </g>
            );
          })}
          <FindingLetters states={states} />
        </svg>
        <fieldset className="bm-panel" disabled={disabled || !selectedJoint}>
          <legend>
            {selectedJoint ? `Findings: ${jointLabel(selectedJoint)}` : 'Findings: select a joint'}
          </legend>
          {FINDINGS.map((finding) => (
            <label key={finding} className="bm-check">
              <input
                type="checkbox"
                checked={selected ? (states[selected]?.[finding] ?? false) : false}
                onChange={() => selected && toggle(selected, finding)}
              />
              <span className="bm-key-letter" aria-hidden="true">
                {LETTER[finding]}
              </span>{' '}
              {FINDING_LABEL[finding]}
            </label>
          ))}
          {selectedJoint ? (
            <p className="bm-active">
              {isActive(states[selectedJoint.code] ?? NO_FINDING)
                ? 'Active arthritis: swollen, or limited with pain or tenderness.'
                : 'Not active.'}
            </p>
          ) : null}
        </fieldset>
      </div>
    </div>
  );
}

function JointMarker({ state }: { readonly state: JointState | undefined }) {
  const marked = hasFinding(state);
  return (
    <>
      <rect className="bm-focus" x={-15} y={-15} width={30} height={30} rx={4} />
      {state?.tender ? <circle className="bm-tender" r={13} /> : null}
      <circle
        className={marked ? 'bm-dot bm-dot-marked' : 'bm-dot'}
        r={marked ? 9 : 7}
        fill={state?.swollen ? 'url(#bm-hatch)' : undefined}
      />
      {state?.limited ? <line className="bm-limited" x1={-12} y1={0} x2={12} y2={0} /> : null}
    </>
  );
}

/**
 * The letters S, T, L under each joint with findings: drawn apart from the joint controls, whose
 * accessible names already say the findings in words.
 */
function FindingLetters({ states }: { readonly states: JointStates }) {
  return (
    // biome-ignore lint/a11y/noAriaHiddenOnFocusable: SVG text is not focusable; the joints' names say it in words
    <g className="bm-letter-layer" aria-hidden="true">
      {PLACED_JOINTS.map((joint) => {
        const letters = FINDINGS.filter((f) => states[joint.code]?.[f])
          .map((f) => LETTER[f])
          .join('');
        return letters ? (
          <text
            key={joint.code}
            className="bm-letters"
            x={joint.x}
            y={joint.y + 26}
            textAnchor="middle"
          >
            {letters}
          </text>
        ) : null;
      })}
    </g>
  );
}

function Patterns() {
  return (
    <defs>
      <pattern
        id="bm-hatch"
        width="4"
        height="4"
        patternUnits="userSpaceOnUse"
        patternTransform="rotate(45)"
      >
        <rect width="4" height="4" fill="#ffffff" />
        <line x1="0" y1="0" x2="0" y2="4" stroke="#1b2430" strokeWidth="2.2" />
      </pattern>
    </defs>
  );
}

/** The schematic figure: head, trunk, limbs, and the enlarged hands and feet. */
function Figure() {
  const box = (b: { x: number; y: number; width: number; height: number }, label: string) => (
    <g key={label}>
      <rect className="bm-inset" x={b.x} y={b.y} width={b.width} height={b.height} rx={10} />
      <text className="bm-inset-label" x={b.x + b.width / 2} y={b.y - 6} textAnchor="middle">
        {label}
      </text>
    </g>
  );
  return (
    <g className="bm-body">
      <circle cx={320} cy={60} r={40} />
      <path d="M305 98 L335 98 L338 130 L302 130 Z" />
      <path d="M240 150 Q320 130 400 150 L385 400 Q320 430 255 400 Z" />
      <path className="bm-limb" d="M240 168 L218 272 L204 362" />
      <path className="bm-limb" d="M400 168 L422 272 L436 362" />
      <path className="bm-limb" d="M286 410 L282 548 L282 676" />
      <path className="bm-limb" d="M354 410 L358 548 L358 676" />
      <text className="bm-side" x={120} y={40} textAnchor="middle">
        Patient's right
      </text>
      <text className="bm-side" x={520} y={40} textAnchor="middle">
        Patient's left
      </text>
      {box(HAND_BOXES.right, 'Right hand')}
      {box(HAND_BOXES.left, 'Left hand')}
      {box(FOOT_BOXES.right, 'Right foot')}
      {box(FOOT_BOXES.left, 'Left foot')}
    </g>
  );
}

/** The legend: which side is which, what each mark means, and the keys. */
function BodyMapLegend() {
  const sample = (state: JointState) => (
    <svg className="bm-sample" viewBox="-16 -16 32 32" aria-hidden="true">
      <JointMarker state={state} />
    </svg>
  );
  return (
    <div className="bm-legend">
      <p>
        <strong>Front view:</strong> the patient faces you, so the patient's right is on your left
        and the patient's left is on your right. Hands and feet are drawn enlarged beside and below
        the figure.
      </p>
      <ul>
        <li>
          {sample({ ...NO_FINDING, swollen: true })} S: {FINDING_LABEL.swollen} (hatched)
        </li>
        <li>
          {sample({ ...NO_FINDING, tender: true })} T: {FINDING_LABEL.tender} (dashed ring)
        </li>
        <li>
          {sample({ ...NO_FINDING, limited: true })} L: {FINDING_LABEL.limited} (bar)
        </li>
        <li>{sample(NO_FINDING)} No finding (a joint not marked was examined and is normal)</li>
      </ul>
      <p className="bm-keys">
        Keys: arrows move between joints, Enter or Space selects a joint for the findings panel, S,
        T and L switch its findings on and off.
      </p>
    </div>
  );
}

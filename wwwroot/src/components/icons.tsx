// Hand-drawn stroke icons (24×24, 2px round strokes, in the style of Feather/Lucide) as inline SVG.
// Emoji render as empty boxes where no emoji font is installed (headless Chromium, many Linux
// desktops); these render the same everywhere. Icons are decorative (aria-hidden): every use keeps
// a text label or a title beside it.
import type { ReactNode } from 'react';

interface IconProps {
  size?: number;
  className?: string;
  /** Draws the shapes filled instead of stroked (play, stop). */
  filled?: boolean;
}

function svg(children: ReactNode, { size = 16, className, filled }: IconProps) {
  return (
    <svg
      className={`ico${className ? ' ' + className : ''}`}
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill={filled ? 'currentColor' : 'none'}
      stroke="currentColor"
      strokeWidth={2}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {children}
    </svg>
  );
}

/** Trigger: a lightning bolt. */
export const ZapIcon = (p: IconProps) => svg(<path d="M13 2 4 14h7l-1 8 9-12h-7l1-8z" />, p);

/** LLM call: a robot head. */
export const BotIcon = (p: IconProps) => svg(
  <>
    <path d="M12 8V4H8" />
    <rect x="4" y="8" width="16" height="12" rx="2" />
    <path d="M2 14h2M20 14h2M9 13v2M15 13v2" />
  </>,
  p,
);

/** HTTP request: a globe. */
export const GlobeIcon = (p: IconProps) => svg(
  <>
    <circle cx="12" cy="12" r="10" />
    <path d="M2 12h20" />
    <path d="M12 2a15 15 0 0 1 4 10 15 15 0 0 1-4 10 15 15 0 0 1-4-10 15 15 0 0 1 4-10z" />
  </>,
  p,
);

/** Code block: angle brackets. */
export const CodeIcon = (p: IconProps) => svg(<path d="m16 18 6-6-6-6M8 6l-6 6 6 6" />, p);

/** Conditional: a fork. */
export const BranchIcon = (p: IconProps) => svg(
  <>
    <path d="M6 3v12" />
    <circle cx="18" cy="6" r="3" />
    <circle cx="6" cy="18" r="3" />
    <path d="M18 9a9 9 0 0 1-9 9" />
  </>,
  p,
);

/** Output: a finish flag. */
export const FlagIcon = (p: IconProps) => svg(
  <>
    <path d="M4 15s1-1 4-1 5 2 8 2 4-1 4-1V3s-1 1-4 1-5-2-8-2-4 1-4 1z" />
    <path d="M4 22v-7" />
  </>,
  p,
);

/** Parallel (fan-out): one line splitting into three arrows. */
export const SplitIcon = (p: IconProps) => svg(
  <>
    <path d="M2 12h6" />
    <path d="M8 12 13 5h7M8 12h12M8 12l5 7h7" />
    <path d="m17 2 3 3-3 3M17 16l3 3-3 3" />
  </>,
  p,
);

/** Join: three lines merging into one arrow. */
export const MergeIcon = (p: IconProps) => svg(
  <>
    <path d="M3 5h6l5 7M3 12h11M3 19h6l5-7" />
    <path d="M14 12h7" />
    <path d="m18 9 3 3-3 3" />
  </>,
  p,
);

/** Map: a list whose every row goes through the same step. */
export const ListIcon = (p: IconProps) => svg(
  <>
    <path d="M3 6h.01M3 12h.01M3 18h.01" />
    <path d="M7 6h6M7 12h6M7 18h6" />
    <path d="m17 4 4 2-4 2M17 10l4 2-4 2M17 16l4 2-4 2" />
  </>,
  p,
);

/** Sequence: steps one after another. */
export const StepsIcon = (p: IconProps) => svg(
  <>
    <rect x="2" y="9" width="5" height="6" rx="1" />
    <rect x="10" y="9" width="5" height="6" rx="1" />
    <rect x="18" y="9" width="4" height="6" rx="1" />
    <path d="M7 12h3M15 12h3" />
  </>,
  p,
);

/** A registered WASM module: a package. */
export const PackageIcon = (p: IconProps) => svg(
  <>
    <path d="M21 16V8a2 2 0 0 0-1-1.73l-7-4a2 2 0 0 0-2 0l-7 4A2 2 0 0 0 3 8v8a2 2 0 0 0 1 1.73l7 4a2 2 0 0 0 2 0l7-4A2 2 0 0 0 21 16z" />
    <path d="M3.3 7 12 12l8.7-5M12 22V12M7.5 4.2l9 5.2" />
  </>,
  p,
);

/** Any other handler (dotnet plugins, unknown kinds): a chip. */
export const CpuIcon = (p: IconProps) => svg(
  <>
    <rect x="5" y="5" width="14" height="14" rx="2" />
    <rect x="9" y="9" width="6" height="6" />
    <path d="M9 2v3M15 2v3M9 19v3M15 19v3M2 9h3M2 15h3M19 9h3M19 15h3" />
  </>,
  p,
);

export const WarningIcon = (p: IconProps) => svg(
  <>
    <path d="M10.3 3.9 1.8 18a2 2 0 0 0 1.7 3h17a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0z" />
    <path d="M12 9v4M12 17h.01" />
  </>,
  p,
);

export const ErrorIcon = (p: IconProps) => svg(
  <>
    <circle cx="12" cy="12" r="10" />
    <path d="m15 9-6 6M9 9l6 6" />
  </>,
  p,
);

export const PlayIcon = (p: IconProps) => svg(<path d="M6 4l14 8-14 8z" />, { filled: true, ...p });
export const StopIcon = (p: IconProps) => svg(<rect x="6" y="6" width="12" height="12" rx="1.5" />, { filled: true, ...p });
export const UndoIcon = (p: IconProps) => svg(<path d="M9 14 4 9l5-5M4 9h10.5a5.5 5.5 0 0 1 0 11H11" />, p);
export const RedoIcon = (p: IconProps) => svg(<path d="m15 14 5-5-5-5M20 9H9.5a5.5 5.5 0 0 0 0 11H13" />, p);
export const BackIcon = (p: IconProps) => svg(<path d="M19 12H5M12 19l-7-7 7-7" />, p);
/** A peer earlier in the list: the message loops back. */
export const LoopIcon = (p: IconProps) => svg(<path d="M21 12a9 9 0 1 1-3-6.7L21 8M21 3v5h-5" />, p);
export const ArrowDownIcon = (p: IconProps) => svg(<path d="M12 5v14M19 12l-7 7-7-7" />, p);
export const CloseIcon = (p: IconProps) => svg(<path d="M18 6 6 18M6 6l12 12" />, p);
export const CheckIcon = (p: IconProps) => svg(<path d="M20 6 9 17l-5-5" />, p);

/** The icon of a canvas node kind (graph.ts NodeKind) or palette item. */
export function KindIcon({ kind, ...p }: IconProps & { kind: string }) {
  switch (kind) {
    case 'trigger': return <ZapIcon {...p} />;
    case 'llm': return <BotIcon {...p} />;
    case 'http': return <GlobeIcon {...p} />;
    case 'code': return <CodeIcon {...p} />;
    case 'branch': return <BranchIcon {...p} />;
    case 'output': return <FlagIcon {...p} />;
    case 'fanout': return <SplitIcon {...p} />;
    case 'join': return <MergeIcon {...p} />;
    case 'map': return <ListIcon {...p} />;
    case 'sequence': return <StepsIcon {...p} />;
    case 'module': return <PackageIcon {...p} />;
    default: return <CpuIcon {...p} />;
  }
}

/**
 * Claude's AskUserQuestion input the real-CLI tests have Claude ask (through the fake API's
 * tool_use): a single choice and a multiple one, with descriptions.
 */
export const COLOR_AND_SIZES = [
  {
    question: "Which color?",
    header: "Color",
    options: [
      { label: "Red", description: "warm" },
      { label: "Blue", description: "cool" },
    ],
    multiSelect: false,
  },
  {
    question: "Which sizes?",
    header: "Sizes",
    options: [
      { label: "S", description: "small" },
      { label: "L", description: "large" },
    ],
    multiSelect: true,
  },
];

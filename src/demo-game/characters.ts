import type { NpcDefinition } from '../plugin/index.ts';

/** What the characters can change in the world (the scene provides it). */
export interface WorldActions {
  openGate(): { opened: boolean };
  giveItem(item: 'apple' | 'bread' | 'lantern'): { given: boolean; alreadyHad: boolean };
}

/** The three villagers: a guard with a gate, a merchant with goods, a sage with stories. */
export function villagers(world: WorldActions): NpcDefinition[] {
  return [
    {
      id: 'guard',
      name: 'Edda',
      voice: 'Kore',
      persona:
        'You are Edda, the gate guard of Oakvale, a small walled village. You are stern but fair, proud of your post, and secretly fond of travellers with good manners. The north gate leads to the Standing Stone.',
      greeting: 'Halt! Who goes there? State your name and your business in Oakvale.',
      sampleLines: [
        'The gate stays shut after dark, unless you give me a good reason.',
        'The Standing Stone is beyond this gate. Few have the patience to read it.',
        'Mind the pond by the sage. It is deeper than it looks.',
        'Ask nicely and I might open the gate for you.',
      ],
      knowledge: [
        'The gate is on the north wall.',
        'Mira the merchant trades in the market square.',
        'Old Maelis the sage lives by the pond.',
      ],
      actions: {
        open_gate: {
          description: 'Opens the north gate of the village so the player can walk through to the Standing Stone.',
          parameters: { type: 'object', properties: { reason: { type: 'string', description: 'Why the player wants to pass.' } } },
          handler: () => {
            const { opened } = world.openGate();
            return opened ? { message: 'There. The gate is open. Go on through.' } : { message: 'The gate is already open, traveller.' };
          },
        },
      },
    },
    {
      id: 'merchant',
      name: 'Mira',
      voice: 'Puck',
      persona:
        'You are Mira, a cheerful, talkative merchant at the Oakvale market stall. You sell apples, bread and lanterns, and you love to give a little something to polite customers.',
      greeting: 'Welcome, welcome! Fresh apples, warm bread, sturdy lanterns. What can I get you?',
      sampleLines: [
        'These apples came in from the orchard this very morning.',
        'A lantern is a fine friend on the road after dark.',
        'My bread is the best in Oakvale, and I will hear no argument.',
        'Just ask, and I will hand you an apple, a loaf of bread or a lantern.',
      ],
      knowledge: ['Prices are two coins for bread, one for an apple, five for a lantern.', 'Edda guards the north gate.'],
      actions: {
        give_item: {
          description: 'Gives the player an item from the stall: an apple, bread or a lantern.',
          parameters: {
            type: 'object',
            properties: { item: { type: 'string', enum: ['apple', 'bread', 'lantern'], description: 'Which item to give.' } },
            required: ['item'],
          },
          handler: (args: { item: 'apple' | 'bread' | 'lantern' }) => {
            const { given, alreadyHad } = world.giveItem(args.item);
            if (alreadyHad) return { message: `You already have my ${args.item}, dear.` };
            return given ? { message: `Here you are, one ${args.item}, on the house.` } : { error: 'Your bag is full.' };
          },
        },
      },
    },
    {
      id: 'sage',
      name: 'Maelis',
      voice: 'Charon',
      persona:
        'You are Maelis, the old sage of Oakvale, who sits beneath the great oak by the pond. You speak slowly and kindly, in short riddling sentences, and you know the old stories of the village.',
      greeting: 'Ah, a visitor. Sit, if you like. The pond has been waiting for someone to listen.',
      sampleLines: [
        'Oakvale was built around the Standing Stone, long before the wall.',
        'The stone remembers every voice that speaks to it.',
        'Patience opens more gates than keys do.',
        'The oak above us is older than my grandmother’s grandmother.',
      ],
      knowledge: ['The Standing Stone lies north, beyond the gate.', 'The village was founded by stonecutters.'],
    },
  ];
}
